/*
 * JSON views.  See views.h.
 */
#include "svc/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeutil.h"

void view_time(struct jw *w, const char *key, const char *db_time)
{
	char iso[32];

	jw_key(w, key);
	if (db_time == NULL || time_db_to_iso(db_time, strlen(db_time), iso, sizeof(iso)) < 0)
		jw_null(w);
	else
		jw_str(w, iso);
}

void view_client_members(struct jw *w, const struct client *c)
{
	bool configured = c->webhook_url != NULL && *c->webhook_url != '\0';

	jw_kint(w, "id", c->id);
	jw_kstr(w, "name", c->name);
	jw_kstr(w, "status", c->status);
	jw_kstr(w, "deliveryMode", c->mode);
	jw_key(w, "webhook");
	jw_obj(w);
	jw_kstr(w, "url", configured ? c->webhook_url : NULL);
	jw_kbool(w, "configured", configured);
	jw_kstr(w, "badge", configured ? "configured" : "not set");
	jw_kbool(w, "secretSet", c->webhook_secret != NULL && *c->webhook_secret != '\0');
	jw_obj_end(w);
	view_time(w, "createdAt", c->created_at);
	view_time(w, "updatedAt", c->updated_at);
}

void view_kint_or_null(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	if (v >= 0)
		jw_int(w, v);
	else
		jw_null(w);
}

void view_route(struct jw *w, const struct client_route *r)
{
	jw_obj(w);
	jw_kint(w, "id", r->id);
	jw_kint(w, "clientId", r->client_id);
	jw_kstr(w, "provider", r->provider);
	jw_kstr(w, "number", r->number);
	view_kint_or_null(w, "usemodem", r->usemodem);
	view_kint_or_null(w, "port", r->port);
	view_time(w, "createdAt", r->created_at);
	jw_obj_end(w);
}

void view_api_key(struct jw *w, const struct api_key *k)
{
	jw_obj(w);
	jw_kint(w, "id", k->id);
	jw_kint(w, "clientId", k->client_id);
	jw_kstr(w, "prefix", k->prefix);
	jw_kstr(w, "label", k->label);
	view_time(w, "createdAt", k->created_at);
	view_time(w, "revokedAt", k->revoked_at);
	jw_kstr(w, "status", k->revoked_at ? "revoked" : "active");
	jw_obj_end(w);
}

void view_list_open(struct jw *w, size_t n, const char *key)
{
	jw_obj(w);
	jw_kstr(w, "status", "success");
	jw_kint(w, "count", (long long)n);
	jw_key(w, key);
	jw_arr(w);
}

void view_msg_id(char *out, size_t n, const char *prefix, long long id)
{
	snprintf(out, n, "%s%lld", prefix, id);
}

long long view_parse_id(const char *s, const char *prefix)
{
	size_t pl = strlen(prefix), i;
	long long v = 0;

	if (s == NULL || strncmp(s, prefix, pl) != 0 || s[pl] == '\0' || strlen(s + pl) > 18)
		return -1;
	for (i = pl; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v > 0 ? v : -1;
}

void view_inbound(struct jw *w, const struct incoming *m)
{
	char id[32];

	view_msg_id(id, sizeof(id), "msg_", m->id);
	jw_obj(w);
	jw_kstr(w, "id", id);
	view_time(w, "timestamp", m->received_at);
	jw_kstr(w, "from", m->from);
	jw_kstr(w, "to", m->to);
	jw_kstrn(w, "message", m->body, m->body_len);
	jw_kstr(w, "provider", m->provider);
	view_kint_or_null(w, "usemodem", m->usemodem);
	view_kint_or_null(w, "port", m->port);
	jw_kbool(w, "isRegistered", m->is_registered);
	jw_obj_end(w);
}

void view_inbound_operator(struct jw *w, const struct incoming *m)
{
	char id[32];
	bool twilio = strcmp(m->provider, "twilio") == 0;

	view_msg_id(id, sizeof(id), "msg_", m->id);
	jw_obj(w);
	jw_kstr(w, "id", id);
	view_time(w, "timestamp", m->received_at);
	jw_kstr(w, "phoneNumber", m->from);
	jw_kstrn(w, "messageContent", m->body, m->body_len);
	jw_kbool(w, "isRegistered", m->is_registered);
	jw_kbool(w, "responseSent", m->response_sent);
	jw_kstr(w, "twilio_SmsMessageSid", twilio ? m->provider_message_id : NULL);
	jw_kstr(w, "provider", m->provider);
	jw_kstr(w, "to", m->to);
	jw_obj_end(w);
}

void view_outgoing_operator(struct jw *w, const struct outgoing *m)
{
	char id[32], reply[32];
	bool twilio = strcmp(m->provider, "twilio") == 0;

	view_msg_id(id, sizeof(id), "out_", m->id);
	jw_obj(w);
	jw_kstr(w, "id", id);
	view_time(w, "queuedAt", m->queued_at);
	view_time(w, "sentAt", m->sent_at);
	jw_kstr(w, "phoneNumber", m->to);
	jw_kstrn(w, "messageContent", m->body, m->body_len);
	jw_kstr(w, "operatorId", m->operator_id);
	jw_kstr(w, "operatorName", m->operator_name);
	jw_kstr(w, "status", m->status);
	jw_kstr(w, "twilio_SmsMessageSid", twilio ? m->provider_message_id : NULL);
	jw_kstr(w, "twilio_ErrorMessage", m->error_message);
	jw_kstr(w, "provider", m->provider);
	jw_kstr(w, "from", m->from);
	jw_kint(w, "segments", m->segments);
	jw_kstr(w, "encoding", m->encoding);
	jw_key(w, "inReplyTo");
	if (m->in_reply_to > 0) {
		view_msg_id(reply, sizeof(reply), "msg_", m->in_reply_to);
		jw_str(w, reply);
	} else {
		jw_null(w);
	}
	jw_obj_end(w);
}

void view_user(struct jw *w, const struct user *u)
{
	jw_obj(w);
	jw_kstr(w, "phoneNumber", u->phone);
	jw_kstr(w, "name", u->name);
	jw_kstr(w, "status", u->status);
	view_time(w, "createdAt", u->created_at);
	jw_obj_end(w);
}

void view_delivery_health_members(struct jw *w, const struct outbox_summary *s)
{
	jw_kint(w, "pending", s->pending);
	jw_kint(w, "dead", s->dead);
	jw_kint(w, "delivered", s->delivered);
	jw_kbool(w, "endpointDisabled", s->disabled);
	jw_key(w, "lastDelivery");
	if (s->has_last) {
		jw_obj(w);
		view_time(w, "at", s->last_at);
		jw_key(w, "httpStatus");
		if (s->last_status > 0)
			jw_int(w, s->last_status);
		else
			jw_null(w);
		jw_kbool(w, "ok", s->last_ok);
		jw_kstr(w, "error", s->last_ok ? NULL : s->last_error);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
}
