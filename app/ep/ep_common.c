/*
 * Shared endpoint helpers.  See ep_common.h.
 */
#include "ep/ep_common.h"

#include <string.h>

#include "svc/views.h"

bool ep_common_sort_ok(const char *s, size_t len)
{
	return (len == 3 && memcmp(s, "asc", 3) == 0) || (len == 4 && memcmp(s, "desc", 4) == 0);
}

void ep_common_sender(const struct req *r, struct send_req *rq)
{
	if (r->actor.kind == ACTOR_KEY) {
		rq->sent_by = "key";
		rq->api_key_id = r->actor.key_id;
	} else {
		rq->sent_by = r->actor.kind == ACTOR_ADMIN ? "admin" : "operator";
		rq->operator_id = r->actor.name;
		rq->operator_name = r->actor.display_name;
	}
}

enum status ep_common_send(struct req *r, const struct send_req *rq, struct send_out *out, char *id,
			   size_t idlen, const char *message)
{
	outbound_send(r->cfg, r->db, r->http, r->a, rq, out);
	if (out->result == SEND_DB)
		return req_db_fail(r, out->db_rc);
	views_msg_id(id, idlen, "out_", out->id);
	if (out->result == SEND_SENT)
		return ST_OK;
	r->err.details = out->error;
	r->err.extra = arena_printf(r->a, "\"messageId\":\"%s\"", id);
	if (message == NULL)
		message =
			out->error != NULL ? out->error : "The provider did not accept the message";
	return req_fail(r, ST_UNAVAILABLE,
			strcmp(rq->provider, "twilio") == 0 ? "twilio_error" : "upstream_error",
			message);
}
