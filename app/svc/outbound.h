/*
 * Sending an SMS, whoever asks (operator, client system, the dispatcher's
 * acknowledgements): count its segments, record it queued, hand it to the
 * provider, record the outcome.  And the reply helper: answer a phone
 * number the way its last message came in (Twilio from the number it
 * texted, Extreme through the same modem and port).
 */
#ifndef IBIKI_OUTBOUND_H
#define IBIKI_OUTBOUND_H

#include "lib/arena.h"
#include "lib/config.h"
#include "db/db.h"
#include "db/db_incoming.h"
#include "upstream/httpc.h"
#include "svc/sms.h"

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

enum send_result {
	SEND_SENT,     /* accepted by the provider */
	SEND_REJECTED, /* the provider refused: recorded failed */
	SEND_UNKNOWN,  /* timed out after sending: recorded failed, "outcome unknown" */
	SEND_FAILED,   /* provider unreachable: recorded failed */
	SEND_DB,       /* could not even record it: nothing sent */
	SEND_RESULT__MAX
};

struct send_out {
	enum send_result result;
	enum db_rc db_rc; /* when SEND_DB */
	long long id;	  /* outgoing id */
	const char *provider_id;
	const char *error_code;
	const char *error; /* provider's or our message */
	struct sms_parts parts;
	const char *sent_at; /* ISO 8601 */
};

void outbound_send(const struct config *cfg, struct db *db, struct httpc *h, struct arena *a,
		   const struct send_req *rq, struct send_out *out);

/* Fill rq's provider, from / usemodem / port and in_reply_to from the
 * client's last inbound message from `to`.  DB_NOTFOUND when there is
 * none. */
enum db_rc outbound_reply_route(struct db *db, struct arena *a, long long client_id, const char *to,
				struct send_req *rq);

#endif
