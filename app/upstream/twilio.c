/*
 * Twilio REST client.  See twilio.h.
 */
#include "upstream/twilio.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/json.h"
#include "lib/log.h"

/* Append name=value, form-encoded. */
static int form_add(struct buf *b, const char *name, const char *v, size_t len)
{
	char *e = curl_easy_escape(NULL, v, (int)len);
	int rc;

	if (e == NULL)
		return -1;
	rc = buf_printf(b, "%s%s=%s", b->len ? "&" : "", name, e);
	curl_free(e);
	return rc;
}

/* Wait before retry n (1-based): Retry-After when given (up to 2 s), else
 * 250 ms * 2^(n-1). */
static void backoff(int n, const char *retry_after)
{
	long ms = 250L << (n - 1);

	if (retry_after[0] != '\0') {
		long s = strtol(retry_after, NULL, 10);
		if (s >= 0 && s <= 2)
			ms = s * 1000;
	}
	usleep((useconds_t)ms * 1000);
}

static const char *json_text(struct arena *a, const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	if (v == NULL)
		return NULL;
	if (v->type == JSON_STRING || v->type == JSON_NUMBER)
		return arena_strdup(a, v->s);
	return NULL;
}

int twilio_request(const struct config *cfg, struct arena *a, const char *to, const char *from,
		   const char *body, size_t body_len, struct twilio_request *out)
{
	const char *callback = arena_printf(a, "%s/twilio/status", cfg->server.public_base_url);
	struct buf form;
	int rc = -1;

	buf_init(&form, 64 * 1024);
	if (form_add(&form, "To", to, strlen(to)) == 0 &&
	    form_add(&form, "From", from, strlen(from)) == 0 &&
	    form_add(&form, "Body", body, body_len) == 0 &&
	    form_add(&form, "StatusCallback", callback, strlen(callback)) == 0) {
		out->form = arena_strndup(a, form.p, form.len);
		out->form_len = form.len;
		out->url = arena_printf(a, "%s/2010-04-01/Accounts/%s/Messages.json",
					cfg->twilio.api_base, cfg->twilio.account_sid);
		out->userpwd =
			arena_printf(a, "%s:%s", cfg->twilio.account_sid, cfg->twilio.auth_token);
		rc = 0;
	}
	buf_free(&form);
	return rc;
}

void twilio_answer(struct arena *a, long status, const char *body, size_t len,
		   struct twilio_send *out)
{
	struct json *j = NULL;
	const char *err;

	if (len > 0)
		json_parse(a, body, len, &j, &err);
	if (status == 201 || status == 200) {
		out->sid = json_text(a, j, "sid");
		out->status = json_text(a, j, "status");
		out->result = out->sid != NULL ? TWILIO_SENT : TWILIO_UNKNOWN;
		if (out->sid == NULL)
			out->message = "Twilio accepted the message but sent no sid";
		return;
	}
	out->result = TWILIO_REJECTED;
	out->code = json_text(a, j, "code");
	out->message = json_text(a, j, "message");
	if (out->message == NULL)
		out->message = arena_printf(a, "Twilio answered HTTP %ld", status);
}

void twilio_send(const struct config *cfg, struct httpc *h, struct arena *a, const char *to,
		 const char *from, const char *body, size_t body_len, struct twilio_send *out)
{
	struct twilio_request tr;
	struct httpc_request rq = {0};
	struct httpc_result res;
	int n;

	memset(out, 0, sizeof(*out));
	if (twilio_request(cfg, a, to, from, body, body_len, &tr) < 0) {
		out->result = TWILIO_FAILED;
		out->message = "Message too large to encode";
		return;
	}
	rq.url = tr.url;
	rq.body = tr.form;
	rq.body_len = tr.form_len;
	rq.userpwd = tr.userpwd;
	rq.timeout_s = cfg->twilio.timeout_s;

	for (n = 1; n <= TWILIO_MAX_TRIES; n++) {
		out->tries = n;
		httpc_post(h, &rq, &res);
		if (res.outcome == HTTPC_UNKNOWN) {
			out->result = TWILIO_UNKNOWN;
			out->message =
				arena_printf(a,
					     "Outcome unknown: no answer from Twilio after the "
					     "request was sent (%s); not resent",
					     res.error);
			httpc_result_free(&res);
			break;
		}
		if (res.outcome == HTTPC_NOT_SENT) {
			out->result = TWILIO_FAILED;
			out->message = arena_printf(a, "Cannot reach Twilio: %s", res.error);
			httpc_result_free(&res);
			if (n < TWILIO_MAX_TRIES) {
				backoff(n, "");
				continue;
			}
			break;
		}
		twilio_answer(a, res.status, res.body.p, res.body.len, out);
		if (out->result == TWILIO_REJECTED && res.status == 429 && n < TWILIO_MAX_TRIES) {
			backoff(n, res.retry_after);
			httpc_result_free(&res);
			continue;
		}
		httpc_result_free(&res);
		break;
	}
}
