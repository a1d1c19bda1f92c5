/*
 * Extreme v2's sendsingle: the JSON request with the configured Bearer
 * key, and what its answer means (only 200 with status "success" and an id
 * is a send; Extreme creates nothing it refuses).
 */
#include "upstream/extreme.h"

#include <string.h>

#include "lib/buf.h"
#include "lib/json.h"
#include "lib/jsonw.h"

#define EXTREME_TRIES	 2
#define EXTREME_BODY_MAX (64 * 1024)

int extreme_prepare(const struct config *cfg, struct arena *a, const struct upstream_msg *msg,
		    struct upstream_call *call, struct upstream_outcome *out)
{
	struct buf b;
	struct jsonw w;
	int ret = -1;

	out->result = UPSTREAM_REJECTED;
	if (cfg->extreme.api_base == NULL || *cfg->extreme.api_base == '\0') {
		out->message = "Extreme is not configured";
		return -1;
	}
	buf_init(&b, EXTREME_BODY_MAX);
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "to", msg->to);
	jsonw_kstrn(&w, "message", msg->body, msg->body_len);
	jsonw_kint(&w, "usemodem", msg->usemodem);
	jsonw_kint(&w, "port", msg->port);
	jsonw_obj_end(&w);
	if (jsonw_failed(&w)) {
		out->message = "Message too large to encode";
		goto out;
	}
	call->url = arena_printf(a, "%s/api/v2/sms/sendsingle", cfg->extreme.api_base);
	call->headers[0] = "Content-Type: application/json";
	call->headers[1] = arena_printf(a, "Authorization: Bearer %s", cfg->extreme.api_key);
	call->body = arena_strndup(a, b.p, b.len);
	call->body_len = b.len;
	call->timeout_s = cfg->extreme.timeout_s;
	call->max_tries = EXTREME_TRIES;
	ret = 0;
out:
	buf_free(&b);
	return ret;
}

void extreme_answer(struct arena *a, long http_status, const char *body, size_t len,
		    struct upstream_outcome *out)
{
	struct json *j = NULL;
	const char *err, *status;

	if (len > 0)
		json_parse(a, body, len, &j, &err);
	status = json_text(j, "status");
	if (http_status == 200 && status != NULL && strcmp(status, "success") == 0 &&
	    (out->id = json_text(j, "id")) != NULL) {
		out->result = UPSTREAM_SENT;
		return;
	}
	out->result = UPSTREAM_REJECTED;
	out->message = json_text(j, "message");
	if (out->message == NULL)
		out->message = arena_printf(a, "Extreme answered HTTP %ld", http_status);
}
