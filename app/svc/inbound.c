/*
 * Inbound storage.  See inbound.h.
 *
 * One prepared CALL (ibiki_store_inbound, sql/002) routes, stores and
 * queues in one transaction and one round trip.  Redelivery is settled by
 * the unique (provider, message id) index inside it.  A lost connection or
 * deadlock reruns the call once (db_exec), which is safe: the rerun either
 * stores the message or finds it stored.
 */
#include "svc/inbound.h"

#include "db/db_outbox.h"

enum db_rc inbound_store(struct db *db, struct arena *a, const struct incoming *m,
			 struct inbound_stored *out)
{
	char evt_ack[OUTBOX_EVENT_ID_LEN + 1], evt_push[OUTBOX_EVENT_ID_LEN + 1];

	db_outbox_new_event_id(evt_ack);
	db_outbox_new_event_id(evt_push);
	return db_incoming_store(db, a, m, evt_ack, evt_push, out);
}
