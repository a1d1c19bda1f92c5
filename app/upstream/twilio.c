/*
 * Twilio's Messages.json: the form request with Basic credentials and the
 * StatusCallback of this gateway, and what its answer means (201 with a
 * sid is a send; 429 and 5xx may be sent again; anything else is a
 * refusal with Twilio's code and message); and the lookup that reconciles
 * a send whose outcome was lost: Messages.json listed by To, From and
 * DateSent>=, the messages with the same body as candidates.
 */
#include "upstream/twilio.h"

#include <curl/curl.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/json.h"

#define TWILIO_TRIES	3
#define TWILIO_FORM_MAX (64 * 1024)

/* Append name=value, form-encoded.  Returns 0, or -1 past the buffer's
 * ceiling. */
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

int twilio_prepare(const struct config *cfg, struct arena *a, const struct upstream_msg *msg,
		   struct upstream_call *call, struct upstream_outcome *out)
{
	const char *callback = arena_printf(a, "%s/twilio/status", cfg->server.public_base_url);
	struct buf form;
	int ret = -1;

	out->result = UPSTREAM_REJECTED;
	if (cfg->twilio.account_sid == NULL || *cfg->twilio.account_sid == '\0') {
		out->message = "Twilio is not configured";
		return -1;
	}
	buf_init(&form, TWILIO_FORM_MAX);
	if (form_add(&form, "To", msg->to, strlen(msg->to)) < 0 ||
	    form_add(&form, "From", msg->from ? msg->from : "", msg->from ? strlen(msg->from) : 0) <
		    0 ||
	    form_add(&form, "Body", msg->body, msg->body_len) < 0 ||
	    form_add(&form, "StatusCallback", callback, strlen(callback)) < 0) {
		out->message = "Message too large to encode";
		goto out;
	}
	call->url = arena_printf(a, "%s/2010-04-01/Accounts/%s/Messages.json", cfg->twilio.api_base,
				 cfg->twilio.account_sid);
	call->body = arena_strndup(a, form.p, form.len);
	call->body_len = form.len;
	call->userpwd = arena_printf(a, "%s:%s", cfg->twilio.account_sid, cfg->twilio.auth_token);
	call->timeout_s = cfg->twilio.timeout_s;
	call->max_tries = TWILIO_TRIES;
	ret = 0;
out:
	buf_free(&form);
	return ret;
}

void twilio_answer(struct arena *a, long http_status, const char *body, size_t len,
		   struct upstream_outcome *out)
{
	struct json *j = NULL;
	const char *err;

	if (len > 0)
		json_parse(a, body, len, &j, &err);
	if (http_status == 201 || http_status == 200) {
		out->id = json_text(j, "sid");
		out->status = json_text(j, "status");
		out->result = out->id != NULL ? UPSTREAM_SENT : UPSTREAM_UNKNOWN;
		if (out->id == NULL)
			out->message = "Twilio accepted the message but sent no sid";
		return;
	}
	/* 429 is always safe to retry; a 5xx means no message was created. */
	out->result = http_status == 429 || http_status >= 500 ? UPSTREAM_RETRY : UPSTREAM_REJECTED;
	out->code = json_text(j, "code");
	out->message = json_text(j, "message");
	if (out->message == NULL)
		out->message = arena_printf(a, "Twilio answered HTTP %ld", http_status);
}

int twilio_lookup_prepare(const struct config *cfg, struct arena *a, const struct upstream_msg *msg,
			  const char *since_day, struct upstream_call *call)
{
	char *to, *from;

	if (cfg->twilio.account_sid == NULL || *cfg->twilio.account_sid == '\0')
		return -1;
	to = curl_easy_escape(NULL, msg->to, 0);
	from = curl_easy_escape(NULL, msg->from ? msg->from : "", 0);
	if (to == NULL || from == NULL) {
		curl_free(to);
		curl_free(from);
		return -1;
	}
	call->url =
		arena_printf(a,
			     "%s/2010-04-01/Accounts/%s/Messages.json?To=%s&From=%s"
			     "&DateSent%%3E=%s&PageSize=100",
			     cfg->twilio.api_base, cfg->twilio.account_sid, to, from, since_day);
	curl_free(to);
	curl_free(from);
	call->userpwd = arena_printf(a, "%s:%s", cfg->twilio.account_sid, cfg->twilio.auth_token);
	call->timeout_s = cfg->twilio.timeout_s;
	call->max_tries = 1;
	return 0;
}

int twilio_lookup_answer(struct arena *a, const struct upstream_msg *msg, long http_status,
			 const char *body, size_t len, const char ***sids, size_t *n)
{
	const struct json *list, *m;
	struct json *j = NULL;
	const char *err, *b;
	size_t k = 0;

	*n = 0;
	if (http_status != 200 || json_parse(a, body, len, &j, &err) < 0)
		return -1;
	list = json_get(j, "messages");
	if (list == NULL || list->type != JSON_ARRAY)
		return -1;
	*sids = arena_alloc(a, (list->n ? list->n : 1) * sizeof(**sids));
	for (m = list->first; m != NULL; m = m->next) {
		b = json_text(m, "body");
		if (json_text(m, "sid") == NULL || b == NULL || strlen(b) != msg->body_len ||
		    memcmp(b, msg->body, msg->body_len) != 0)
			continue;
		(*sids)[k++] = json_text(m, "sid");
	}
	/* Twilio lists the newest first; candidates go oldest first. */
	for (size_t i = 0; i < k / 2; i++) {
		const char *t = (*sids)[i];
		(*sids)[i] = (*sids)[k - 1 - i];
		(*sids)[k - 1 - i] = t;
	}
	*n = k;
	return 0;
}
