/*
 * Opt-out (DESIGN "Opt-out and media"): the keywords a person texts to
 * leave, come back or ask for help, matched on the whole body, trimmed,
 * in any case, whichever provider it came by; and what Ibiki answers to
 * one ([optout] in the configuration).  The list itself is
 * db/db_optouts.h.
 */
#ifndef IBIKI_SVC_OPTOUT_H
#define IBIKI_SVC_OPTOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/config.h"

enum optout_keyword { OPTOUT_NONE, OPTOUT_STOP, OPTOUT_START, OPTOUT_HELP };

/* The longest keyword (UNSUBSCRIBE), in bytes. */
#define OPTOUT_WORD_MAX 11

/* The keyword body (len bytes) is, or OPTOUT_NONE.  word (at least
 * OPTOUT_WORD_MAX + 1 bytes, may be NULL) gets the word as texted, in
 * upper case ("UNSUBSCRIBE"); "" for none. */
enum optout_keyword optout_keyword(const char *body, size_t len, char *word);

/* "stop", "start", "help", or NULL for OPTOUT_NONE. */
const char *optout_keyword_name(enum optout_keyword k);
/* The inverse of optout_keyword_name; OPTOUT_NONE for NULL or unknown. */
enum optout_keyword optout_keyword_of(const char *name);

/* The text Ibiki answers k with ([optout] stop_reply, start_reply,
 * help_reply), or NULL when it answers nothing (none set, or OPTOUT_NONE). */
const char *optout_reply_text(const struct config *cfg, enum optout_keyword k);

/* Does Ibiki answer k, received by provider ("twilio" | "extreme")?  Over
 * Extreme always (modems do no carrier opt-out), over Twilio only with
 * reply_via_twilio (Twilio answers on long codes itself); never without
 * a text. */
bool optout_replies(const struct config *cfg, const char *provider, enum optout_keyword k);

#endif
