/*
 * Opt-out keywords.  See optout.h.
 *
 * Matching is pure C on the body already in memory, so a keyword costs
 * the ingest nothing but this scan: the procedure that stores the message
 * is given the result (sql/009).
 */
#include "svc/optout.h"

#include <string.h>
#include <strings.h>

static const struct {
	const char *word;
	enum optout_keyword k;
} KEYWORDS[] = {
	{"STOP", OPTOUT_STOP},	 {"STOPALL", OPTOUT_STOP}, {"UNSUBSCRIBE", OPTOUT_STOP},
	{"CANCEL", OPTOUT_STOP}, {"END", OPTOUT_STOP},	   {"QUIT", OPTOUT_STOP},
	{"REVOKE", OPTOUT_STOP}, {"OPTOUT", OPTOUT_STOP},  {"START", OPTOUT_START},
	{"YES", OPTOUT_START},	 {"UNSTOP", OPTOUT_START}, {"HELP", OPTOUT_HELP},
	{"INFO", OPTOUT_HELP},
};

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

enum optout_keyword optout_keyword(const char *body, size_t len, char *word)
{
	size_t b = 0, e = len, i, n;

	if (word != NULL)
		*word = '\0';
	while (b < e && blank(body[b]))
		b++;
	while (e > b && blank(body[e - 1]))
		e--;
	n = e - b;
	if (n == 0 || n > OPTOUT_WORD_MAX)
		return OPTOUT_NONE;
	for (i = 0; i < sizeof(KEYWORDS) / sizeof(KEYWORDS[0]); i++) {
		if (strlen(KEYWORDS[i].word) != n ||
		    strncasecmp(body + b, KEYWORDS[i].word, n) != 0)
			continue;
		if (word != NULL)
			memcpy(word, KEYWORDS[i].word, n + 1);
		return KEYWORDS[i].k;
	}
	return OPTOUT_NONE;
}

const char *optout_keyword_name(enum optout_keyword k)
{
	switch (k) {
	case OPTOUT_STOP:
		return "stop";
	case OPTOUT_START:
		return "start";
	case OPTOUT_HELP:
		return "help";
	case OPTOUT_NONE:
		break;
	}
	return NULL;
}

enum optout_keyword optout_keyword_of(const char *name)
{
	if (name == NULL)
		return OPTOUT_NONE;
	if (strcmp(name, "stop") == 0)
		return OPTOUT_STOP;
	if (strcmp(name, "start") == 0)
		return OPTOUT_START;
	if (strcmp(name, "help") == 0)
		return OPTOUT_HELP;
	return OPTOUT_NONE;
}

const char *optout_reply_text(const struct config *cfg, enum optout_keyword k)
{
	const char *t = k == OPTOUT_STOP    ? cfg->optout.stop_reply
			: k == OPTOUT_START ? cfg->optout.start_reply
			: k == OPTOUT_HELP  ? cfg->optout.help_reply
					    : NULL;

	return t != NULL && *t != '\0' ? t : NULL;
}

bool optout_replies(const struct config *cfg, const char *provider, enum optout_keyword k)
{
	if (optout_reply_text(cfg, k) == NULL)
		return false;
	return strcmp(provider, "extreme") == 0 || cfg->optout.reply_via_twilio;
}
