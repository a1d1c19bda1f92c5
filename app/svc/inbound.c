/*
 * Inbound storage.  See inbound.h.
 *
 * The keyword is matched here, in C, and handed to the procedure: a
 * message that is no keyword costs the ingest no statement more.
 * One prepared CALL (ibiki_store_inbound, sql/009) routes, stores and
 * queues in one transaction and one round trip.  Redelivery is settled by
 * the unique (provider, message id) index inside it.  A lost connection or
 * deadlock reruns the call once (db_exec), which is safe: the rerun either
 * stores the message or finds it stored.
 *
 * A body longer than SMS_MAX_CHARS code points (no carrier delivers one;
 * Extreme's webhook does not bound it) is stored cut at that length, and
 * the cut is logged: a provider's message is never refused for its size.
 */
#include "svc/inbound.h"

#include <string.h>

#include "db/db_outbox.h"
#include "lib/metrics.h"
#include "lib/log.h"
#include "lib/utf8.h"
#include "svc/optout.h"
#include "svc/sms.h"

size_t inbound_body_len(const char *body, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len && n < SMS_MAX_CHARS) {
		utf8_next(body, len, &i);
		n++;
	}
	return i;
}

/* A character of a URL or content type as kept: printable ASCII, no
 * space (the stored form separates with TAB and newline). */
static bool graphic(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

const char *inbound_media_invalid(const char *url, size_t url_len, const char *type,
				  size_t type_len)
{
	const char *slash;

	if (url == NULL || url_len < 9 || strncmp(url, "https://", 8) != 0)
		return "the URL is not https";
	if (url_len > INBOUND_MEDIA_URL_MAX)
		return "the URL is too long";
	if (!graphic(url, url_len))
		return "the URL has spaces or control characters";
	if (type == NULL || type_len == 0)
		return NULL;
	slash = memchr(type, '/', type_len);
	if (type_len > INBOUND_MEDIA_TYPE_MAX || !graphic(type, type_len) || slash == NULL ||
	    slash == type || slash == type + type_len - 1)
		return "the content type is not type/subtype";
	return NULL;
}

void inbound_media_append(struct arena *a, const char **text, const struct inbound_media *it)
{
	*text = arena_printf(a, "%s%.*s\t%.*s\n", *text != NULL ? *text : "", (int)it->url_len,
			     it->url, (int)it->type_len, it->type != NULL ? it->type : "");
}

bool inbound_media_next(const char **p, struct inbound_media *it)
{
	const char *s = *p, *tab, *nl;

	if (s == NULL || *s == '\0')
		return false;
	nl = strchr(s, '\n');
	if (nl == NULL)
		nl = s + strlen(s);
	tab = memchr(s, '\t', (size_t)(nl - s));
	it->url = s;
	it->url_len = tab != NULL ? (size_t)(tab - s) : (size_t)(nl - s);
	it->type = tab != NULL && nl > tab + 1 ? tab + 1 : NULL;
	it->type_len = it->type != NULL ? (size_t)(nl - tab - 1) : 0;
	*p = *nl == '\n' ? nl + 1 : nl;
	return true;
}

enum db_rc inbound_store(struct db *db, struct arena *a, const struct config *cfg,
			 const struct incoming *m, struct inbound_stored *out)
{
	char evt_ack[OUTBOX_EVENT_ID_LEN + 1], evt_push[OUTBOX_EVENT_ID_LEN + 1];
	char word[OPTOUT_WORD_MAX + 1];
	struct incoming cut = *m;
	struct inbound_how how = {.evt_ack = evt_ack, .evt_push = evt_push};
	enum optout_keyword k;
	enum db_rc rc;

	cut.body_len = inbound_body_len(m->body, m->body_len);
	if (cut.body_len < m->body_len)
		log_msg(LOG_WARN, "inbound",
			"%s message %s: body cut to %d characters (%zu bytes given)", m->provider,
			m->provider_message_id, SMS_MAX_CHARS, m->body_len);
	k = optout_keyword(cut.body, cut.body_len, word);
	cut.keyword = optout_keyword_name(k);
	if (k != OPTOUT_NONE) {
		how.word = word;
		how.reply = optout_replies(cfg, m->provider, k);
	}
	db_outbox_new_event_id(evt_ack);
	db_outbox_new_event_id(evt_push);
	rc = db_incoming_store(db, a, &cut, &how, out);
	if (rc == DB_OK && out->duplicate)
		metrics_event(METRICS_INBOUND_DUPLICATE);
	else if (rc == DB_OK)
		metrics_event(strcmp(m->provider, "twilio") == 0 ? METRICS_INBOUND_TWILIO
								 : METRICS_INBOUND_EXTREME);
	if (rc == DB_OK && !out->duplicate && out->client_id == 0)
		metrics_event(METRICS_INBOUND_UNROUTED);
	return rc;
}
