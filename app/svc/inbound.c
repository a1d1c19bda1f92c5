/*
 * Inbound storage.  See inbound.h.
 *
 * One prepared CALL (ibiki_store_inbound, sql/002) routes, stores and
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

enum db_rc inbound_store(struct db *db, struct arena *a, const struct incoming *m,
			 struct inbound_stored *out)
{
	char evt_ack[OUTBOX_EVENT_ID_LEN + 1], evt_push[OUTBOX_EVENT_ID_LEN + 1];
	struct incoming cut = *m;
	enum db_rc rc;

	cut.body_len = inbound_body_len(m->body, m->body_len);
	if (cut.body_len < m->body_len)
		log_msg(LOG_WARN, "inbound",
			"%s message %s: body cut to %d characters (%zu bytes given)", m->provider,
			m->provider_message_id, SMS_MAX_CHARS, m->body_len);
	db_outbox_new_event_id(evt_ack);
	db_outbox_new_event_id(evt_push);
	rc = db_incoming_store(db, a, &cut, evt_ack, evt_push, out);
	if (rc == DB_OK && out->duplicate)
		metrics_event(METRICS_INBOUND_DUPLICATE);
	else if (rc == DB_OK)
		metrics_event(strcmp(m->provider, "twilio") == 0 ? METRICS_INBOUND_TWILIO
								 : METRICS_INBOUND_EXTREME);
	if (rc == DB_OK && !out->duplicate && out->client_id == 0)
		metrics_event(METRICS_INBOUND_UNROUTED);
	return rc;
}
