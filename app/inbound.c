/*
 * Inbound storage.  See inbound.h.
 *
 * One prepared CALL (ibiki_store_inbound, sql/002) routes, stores and
 * queues in one transaction and one round trip.  Redelivery is settled by
 * the unique (provider, message id) index inside it.  A lost connection or
 * deadlock reruns the call once (db_exec), which is safe: the rerun either
 * stores the message or finds it stored.
 */
#include "inbound.h"

#include <string.h>

#include "db_outbox.h"

enum db_rc inbound_store(struct db *db, struct arena *a, const struct inbound_msg *m,
			 struct inbound_stored *out)
{
	char evt_ack[OUTBOX_EVENT_ID_LEN + 1], evt_push[OUTBOX_EVENT_ID_LEN + 1];
	struct incoming in;

	memset(&in, 0, sizeof(in));
	in.provider = m->provider;
	in.provider_message_id = m->pid;
	in.from = m->from;
	in.to = m->to;
	in.body = m->body;
	in.body_len = m->body_len;
	in.num_media = m->num_media;
	in.usemodem = m->usemodem;
	in.port = m->port;
	in.provider_timestamp = m->provider_timestamp;
	db_outbox_new_event_id(evt_ack);
	db_outbox_new_event_id(evt_push);
	return db_incoming_store(db, a, &in, evt_ack, evt_push, out);
}
