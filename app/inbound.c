/*
 * Inbound storage.  See inbound.h.
 *
 * The transaction: one routing query (route, client mode and webhook,
 * sender's registration), one insert of the message, and up to two
 * outbox inserts.  Redelivery is settled by the unique (provider, id)
 * index: the second insert fails with a duplicate key after the first
 * commits, and the transaction is rolled back without queuing anything.
 * Running it twice is safe (db_txn may rerun it after a lost connection).
 */
#include "inbound.h"

#include <string.h>

#include "db_outbox.h"
#include "jsonw.h"
#include "log.h"
#include "timeutil.h"
#include "views.h"

struct ctx {
	struct arena *a;
	const struct inbound_msg *m;
	struct inbound_result *out;
};

/* DATETIME(3) text for now, so the payload shows the stored time. */
static const char *db_now(struct arena *a)
{
	char iso[32];

	time_iso_now(iso, sizeof(iso)); /* 2025-01-15T14:23:45.123Z */
	iso[10] = ' ';
	iso[23] = '\0';
	return arena_strdup(a, iso);
}

static int queue_ack(struct db *db, struct ctx *c)
{
	struct incoming *in = &c->out->msg;
	char evt[OUTBOX_EVENT_ID_LEN + 1];
	struct buf b;
	struct jw w;
	int rc;

	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "provider", "twilio");
	jw_kstr(&w, "to", in->from);
	jw_kstr(&w, "from", in->to);
	jw_kstr(&w, "body", ACK_TEXT);
	jw_obj_end(&w);
	db_outbox_new_event_id(evt);
	rc = db_outbox_enqueue(db, c->a, evt, "ack_sms", in->client_id, in->id, b.p, b.len);
	buf_free(&b);
	return rc;
}

static int queue_push(struct db *db, struct ctx *c)
{
	char evt[OUTBOX_EVENT_ID_LEN + 1];
	struct buf b;
	struct jw w;
	int rc;

	buf_init(&b, 256 * 1024);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "type", "sms.received");
	jw_key(&w, "data");
	view_inbound(&w, &c->out->msg);
	jw_obj_end(&w);
	if (jw_failed(&w)) {
		buf_free(&b);
		return DB_ERROR;
	}
	db_outbox_new_event_id(evt);
	rc = db_outbox_enqueue(db, c->a, evt, "webhook", c->out->msg.client_id, c->out->msg.id,
			       b.p, b.len);
	buf_free(&b);
	return rc;
}

static int store(struct db *db, void *arg)
{
	struct ctx *c = arg;
	const struct inbound_msg *m = c->m;
	struct incoming *in = &c->out->msg;
	struct inbound_route route;
	bool twilio = strcmp(m->provider, "twilio") == 0;
	enum db_rc rc;

	c->out->duplicate = c->out->ack_queued = c->out->push_queued = false;
	if (twilio)
		rc = db_incoming_route_twilio(db, c->a, m->to, m->from, &route);
	else
		rc = db_incoming_route_extreme(db, c->a, m->usemodem, m->port, m->to, m->from,
					       &route);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return rc;

	memset(in, 0, sizeof(*in));
	in->provider = m->provider;
	in->provider_message_id = m->pid;
	in->client_id = route.client_id;
	in->from = m->from;
	in->to = m->to;
	in->body = m->body;
	in->body_len = m->body_len;
	in->num_media = m->num_media;
	in->usemodem = m->usemodem;
	in->port = m->port;
	in->is_registered = route.client_id > 0 && route.sender_active;
	/* The acknowledgement goes back the way Twilio messages came. */
	in->response_sent = in->is_registered && twilio;
	in->provider_timestamp = m->provider_timestamp;
	in->received_at = db_now(c->a);

	rc = db_incoming_insert(db, c->a, in, &in->id);
	if (rc == DB_DUP) {
		c->out->duplicate = true;
		return DB_DUP; /* rolled back; the stored row is read after */
	}
	if (rc != DB_OK)
		return rc;
	if (in->response_sent) {
		if ((rc = queue_ack(db, c)) != DB_OK)
			return rc;
		c->out->ack_queued = true;
	}
	if (route.client_id > 0 && route.webhook_set && strcmp(route.mode, "poll") != 0) {
		if ((rc = queue_push(db, c)) != DB_OK)
			return rc;
		c->out->push_queued = true;
	}
	return DB_OK;
}

enum db_rc inbound_store(struct db *db, struct arena *a, const struct inbound_msg *m,
			 struct inbound_result *out)
{
	struct ctx c = {a, m, out};
	int rc = db_txn(db, store, &c);

	if (rc == DB_DUP) {
		rc = db_incoming_get_by_provider_id(db, a, m->provider, m->pid, &out->msg);
		out->duplicate = true;
		out->ack_queued = out->push_queued = false;
	}
	return (enum db_rc)rc;
}
