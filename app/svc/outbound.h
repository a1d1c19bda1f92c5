/*
 * Sending an SMS, whoever asks (an operator, a client system, the
 * dispatcher's acknowledgements): one path for all.  The message is
 * queued -- its outgoing row (with segments, encoding and route) and the
 * outbox job that sends it, in one transaction (outbound_queue) -- and the
 * dispatcher sends it through the provider client (upstream.h) and records
 * the outcome (outbound_settle): sent with the provider's id, or failed
 * with the reason.  No worker calls a provider: a synchronous endpoint
 * waits for the dispatcher's outcome (outbound_wait).  Also the reply
 * helper: answer a phone number the way its last message came in (Twilio
 * from the number it texted, Extreme through the same modem and port).
 */
#ifndef IBIKI_SVC_OUTBOUND_H
#define IBIKI_SVC_OUTBOUND_H

#include <stdbool.h>

#include "db/db.h"
#include "db/db_outgoing.h"
#include "lib/arena.h"
#include "lib/config.h"
#include "svc/sms.h"
#include "upstream/upstream.h"

struct send_req {
	long long client_id;
	const char *provider; /* twilio | extreme */
	const char *to;
	const char *from;   /* Twilio sender number */
	long long usemodem; /* Extreme; -1 otherwise */
	long long port;
	const char *body;
	size_t body_len;
	const char *sent_by; /* operator | admin | key | system */
	const char *operator_id;
	const char *operator_name;
	long long api_key_id;
	long long in_reply_to;
	/* The answer to an opt-out keyword (the STOP confirmation): sent to a
	 * suppressed number too.  Every other send to one is refused. */
	bool optout_reply;
};

/* The upstream message of an outgoing row. */
void outbound_msg(const struct outgoing *m, struct upstream_msg *msg);

/* Queue rq: *m is its row (segments and encoding counted), m->id set.
 * job_id 0: with a new sms job; > 0: linked to that existing job (an
 * acknowledgement; DB_DUP when the job has its row already).  DB_REFUSED
 * when the recipient opted out (unless rq->optout_reply).  Nothing is
 * queued on failure. */
enum db_rc outbound_queue(struct db *db, struct arena *a, const struct send_req *rq,
			  long long job_id, struct outgoing *m);

/* Record the provider's final outcome of outgoing message id: sent with
 * its id, or failed with its code and message.  A failure to record is
 * logged, never returned: the send itself happened (the sweeper reconciles
 * a row left queued). */
void outbound_settle(struct db *db, struct arena *a, long long id,
		     const struct upstream_outcome *up);

/* Wait up to wait_ms for client_id's message id to leave `queued`
 * (polling its row, a few ms apart at first); *m is the row as last read.
 * DB_OK with m->status still "queued" when the time ran out. */
enum db_rc outbound_wait(struct db *db, struct arena *a, long long client_id, long long id,
			 long wait_ms, struct outgoing *m);

/* Fill rq's provider, from / usemodem / port and in_reply_to from the
 * client's last inbound message from `to`.  DB_NOTFOUND when there is
 * none. */
enum db_rc outbound_reply_route(struct db *db, struct arena *a, long long client_id, const char *to,
				struct send_req *rq);

#endif
