/*
 * Extreme v2 client.  See extreme.h.
 */
#include "upstream/extreme.h"

#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/json.h"
#include "lib/jsonw.h"

#define EXTREME_MAX_TRIES 2

static const char *json_text(struct arena *a, const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	if (v != NULL && (v->type == JSON_STRING || v->type == JSON_NUMBER))
		return arena_strdup(a, v->s);
	return NULL;
}

void extreme_send(const struct config *cfg, struct httpc *h, struct arena *a, const char *to,
		  const char *body, size_t body_len, long long usemodem, long long port,
		  struct extreme_send *out)
{
	const char *headers[] = {"Content-Type: application/json", NULL, NULL};
	struct httpc_request rq = {0};
	struct httpc_result res;
	struct buf b;
	struct jsonw w;
	int n;

	memset(out, 0, sizeof(*out));
	if (cfg->extreme.api_base == NULL || *cfg->extreme.api_base == '\0') {
		out->result = EXTREME_FAILED;
		out->message = "Extreme is not configured";
		return;
	}
	buf_init(&b, 64 * 1024);
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "to", to);
	jsonw_kstrn(&w, "message", body, body_len);
	jsonw_kint(&w, "usemodem", usemodem);
	jsonw_kint(&w, "port", port);
	jsonw_obj_end(&w);
	headers[1] = arena_printf(a, "Authorization: Bearer %s", cfg->extreme.api_key);
	rq.url = arena_printf(a, "%s/api/v2/sms/sendsingle", cfg->extreme.api_base);
	rq.headers = headers;
	rq.body = b.p;
	rq.body_len = b.len;
	rq.timeout_s = cfg->extreme.timeout_s;

	for (n = 1; n <= EXTREME_MAX_TRIES; n++) {
		struct json *j = NULL;
		const char *err, *status;

		httpc_post(h, &rq, &res);
		if (res.outcome == HTTPC_NOT_SENT) {
			out->result = EXTREME_FAILED;
			out->message = arena_printf(a, "Cannot reach Extreme: %s", res.error);
			httpc_result_free(&res);
			if (n < EXTREME_MAX_TRIES)
				usleep(250 * 1000);
			continue;
		}
		if (res.outcome == HTTPC_UNKNOWN) {
			out->result = EXTREME_UNKNOWN;
			out->message = arena_printf(a,
						    "Outcome unknown: no answer from Extreme after "
						    "the request was sent (%s); not resent",
						    res.error);
			httpc_result_free(&res);
			break;
		}
		out->http_status = res.status;
		if (res.body.len > 0)
			json_parse(a, res.body.p, res.body.len, &j, &err);
		status = json_text(a, j, "status");
		if (res.status == 200 && status != NULL && strcmp(status, "success") == 0 &&
		    (out->id = json_text(a, j, "id")) != NULL) {
			out->result = EXTREME_SENT;
		} else {
			out->result = EXTREME_REJECTED;
			out->message = json_text(a, j, "message");
			if (out->message == NULL)
				out->message =
					arena_printf(a, "Extreme answered HTTP %ld", res.status);
		}
		httpc_result_free(&res);
		break;
	}
	buf_free(&b);
}
