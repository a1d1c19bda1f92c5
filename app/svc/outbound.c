/*
 * The send path: queue (the row and its job, db/db_outbox.c), settle (the
 * dispatcher's record of the provider's answer, db/db_outgoing.c), wait
 * (a synchronous endpoint polling the row).
 */
#include "svc/outbound.h"

#include <string.h>
#include <time.h>

#include "db/db_incoming.h"
#include "db/db_outbox.h"
#include "lib/log.h"
#include "lib/timeutil.h"

void outbound_msg(const struct outgoing *m, struct upstream_msg *msg)
{
	msg->provider = upstream_provider_of(m->provider);
	msg->to = m->to;
	msg->from = m->from;
	msg->usemodem = m->usemodem;
	msg->port = m->port;
	msg->body = m->body;
	msg->body_len = m->body_len;
}

enum db_rc outbound_queue(struct db *db, struct arena *a, const struct send_req *rq,
			  long long job_id, struct outgoing *m)
{
	struct sms_parts parts;

	memset(m, 0, sizeof(*m));
	sms_count(rq->body, rq->body_len, &parts);
	m->client_id = rq->client_id;
	m->provider = rq->provider;
	m->to = rq->to;
	m->from = rq->from;
	m->usemodem = rq->usemodem;
	m->port = rq->port;
	m->body = rq->body;
	m->body_len = rq->body_len;
	m->segments = parts.segments;
	m->encoding = sms_encoding_name(parts.encoding);
	m->sent_by = rq->sent_by;
	m->operator_id = rq->operator_id;
	m->operator_name = rq->operator_name;
	m->api_key_id = rq->api_key_id;
	m->in_reply_to = rq->in_reply_to;
	m->status = "queued";
	return db_outbox_queue_sms(db, a, m, job_id, !rq->optout_reply, &m->id);
}

void outbound_settle(struct db *db, struct arena *a, long long id,
		     const struct upstream_outcome *up)
{
	if (up->result == UPSTREAM_SENT) {
		if (db_outgoing_mark_sent(db, a, id, up->id) != DB_OK)
			log_msg(LOG_ERROR, "outbound",
				"out_%lld was sent (%s) but is not recorded so", id, up->id);
		return;
	}
	if (db_outgoing_mark_failed(db, a, id, up->code, up->message) != DB_OK)
		log_msg(LOG_ERROR, "outbound", "out_%lld failed but is not recorded so", id);
}

enum db_rc outbound_wait(struct db *db, struct arena *a, long long client_id, long long id,
			 long wait_ms, struct outgoing *m)
{
	double until = timeutil_mono_ms() + (double)wait_ms;
	long pause_ms = 5;
	enum db_rc rc;

	for (;;) {
		rc = db_outgoing_get(db, a, client_id, id, m);
		if (rc != DB_OK || strcmp(m->status, "queued") != 0 || timeutil_mono_ms() >= until)
			return rc;
		struct timespec ts = {0, pause_ms * 1000000L};
		nanosleep(&ts, NULL);
		if (pause_ms < 50)
			pause_ms *= 2;
	}
}

enum db_rc outbound_reply_route(struct db *db, struct arena *a, long long client_id, const char *to,
				struct send_req *rq)
{
	struct incoming last;
	enum db_rc rc = db_incoming_last_from(db, a, client_id, to, &last);

	if (rc != DB_OK)
		return rc;
	rq->provider = last.provider;
	rq->in_reply_to = last.id;
	if (strcmp(last.provider, "twilio") == 0) {
		rq->from = last.to; /* the number that was texted */
		rq->usemodem = rq->port = -1;
	} else {
		rq->from = NULL;
		rq->usemodem = last.usemodem;
		rq->port = last.port;
	}
	return DB_OK;
}
