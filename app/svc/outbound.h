/*
 * Sending an SMS, whoever asks (an operator, a client system, the
 * dispatcher's acknowledgements): one path for all.  The message is
 * recorded queued with its segments and encoding (outbound_record), sent
 * through the provider client (upstream.h), and its outcome recorded
 * (outbound_settle): sent with the provider's id, or failed with the
 * reason.  The workers send and wait (outbound_send); the dispatcher uses
 * the same record and settle around its own transfers.  Also the reply
 * helper: answer a phone number the way its last message came in (Twilio
 * from the number it texted, Extreme through the same modem and port).
 */
#ifndef IBIKI_SVC_OUTBOUND_H
#define IBIKI_SVC_OUTBOUND_H

#include <stdbool.h>

#include "db/db.h"
#include "lib/arena.h"
#include "lib/config.h"
#include "svc/sms.h"
#include "upstream/httpc.h"
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
};

struct send_out {
	bool recorded;		/* the outgoing row exists (id set) */
	enum db_rc db_rc;	/* when not recorded */
	long long id;		/* outgoing id */
	struct sms_parts parts; /* segments and encoding */
	struct upstream_outcome up;
	const char *sent_at; /* ISO 8601, when sent */
};

/* The upstream message of rq. */
void outbound_msg(const struct send_req *rq, struct upstream_msg *msg);

/* Record rq as queued: out->recorded and out->id, or out->db_rc. */
void outbound_record(struct db *db, struct arena *a, const struct send_req *rq,
		     struct send_out *out);

/* Record the provider's final outcome of outgoing message id: sent with
 * its id (sent_at set), or failed with its code and message.  A failure
 * to record is logged, never returned: the send itself happened. */
void outbound_settle(struct db *db, struct arena *a, long long id,
		     const struct upstream_outcome *up, const char **sent_at);

/* Record, send (waiting for the provider, with upstream_send's retries)
 * and settle.  Returns with out->recorded false when it could not even be
 * recorded (nothing sent); else out->up holds the outcome. */
void outbound_send(const struct config *cfg, struct db *db, struct httpc *h, struct arena *a,
		   const struct send_req *rq, struct send_out *out);

/* Fill rq's provider, from / usemodem / port and in_reply_to from the
 * client's last inbound message from `to`.  DB_NOTFOUND when there is
 * none. */
enum db_rc outbound_reply_route(struct db *db, struct arena *a, long long client_id, const char *to,
				struct send_req *rq);

#endif
