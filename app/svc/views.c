/*
 * The JSON shape of each object, one function per object: timestamps
 * become ISO 8601 (null when absent), public ids get their prefix
 * (msg_, out_, dlv_), absent modem and port become null, and no secret is
 * ever written.
 */
#include "svc/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeutil.h"
#include "svc/inbound.h"

void views_time(struct jsonw *w, const char *key, const char *db_time)
{
	char iso[32];

	jsonw_key(w, key);
	if (db_time == NULL || timeutil_db_to_iso(db_time, strlen(db_time), iso, sizeof(iso)) < 0)
		jsonw_null(w);
	else
		jsonw_str(w, iso);
}

void views_client_members(struct jsonw *w, const struct client *c)
{
	bool configured = c->webhook_url != NULL && *c->webhook_url != '\0';

	jsonw_kint(w, "id", c->id);
	jsonw_kstr(w, "name", c->name);
	jsonw_kstr(w, "status", c->status);
	jsonw_kstr(w, "deliveryMode", c->mode);
	jsonw_key(w, "webhook");
	jsonw_obj(w);
	jsonw_kstr(w, "url", configured ? c->webhook_url : NULL);
	jsonw_kbool(w, "configured", configured);
	jsonw_kstr(w, "badge", configured ? "configured" : "not set");
	jsonw_kbool(w, "secretSet", c->webhook_secret != NULL && *c->webhook_secret != '\0');
	views_events(w, c->webhook_events);
	jsonw_obj_end(w);
	views_time(w, "createdAt", c->created_at);
	views_time(w, "updatedAt", c->updated_at);
	/* Settings that cannot work as set, for the admin to see. */
	jsonw_key(w, "warnings");
	jsonw_arr(w);
	if (strcmp(c->mode, "poll") != 0 && !configured) {
		jsonw_obj(w);
		jsonw_kstr(w, "code", "push_without_webhook");
		jsonw_kstr(w, "message",
			   "Delivery mode pushes, but no webhook URL is set: nothing is "
			   "pushed until one is (messages wait in the inbox)");
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
}

void views_events(struct jsonw *w, const char *events)
{
	const char *p = events != NULL ? events : "";
	size_t n;

	jsonw_key(w, "events");
	jsonw_arr(w);
	while (*p != '\0') {
		n = strcspn(p, ",");
		if (n > 0)
			jsonw_strn(w, p, n);
		p += n;
		p += *p == ',';
	}
	jsonw_arr_end(w);
}

void views_kint_or_null(struct jsonw *w, const char *key, long long v)
{
	jsonw_key(w, key);
	if (v >= 0)
		jsonw_int(w, v);
	else
		jsonw_null(w);
}

void views_route(struct jsonw *w, const struct client_route *r)
{
	jsonw_obj(w);
	jsonw_kint(w, "id", r->id);
	jsonw_kint(w, "clientId", r->client_id);
	jsonw_kstr(w, "provider", r->provider);
	jsonw_kstr(w, "number", r->number);
	views_kint_or_null(w, "usemodem", r->usemodem);
	views_kint_or_null(w, "port", r->port);
	views_kint_or_null(w, "mps", r->mps);
	views_time(w, "createdAt", r->created_at);
	jsonw_obj_end(w);
}

void views_api_key(struct jsonw *w, const struct api_key *k)
{
	jsonw_obj(w);
	jsonw_kint(w, "id", k->id);
	jsonw_kint(w, "clientId", k->client_id);
	jsonw_kstr(w, "prefix", k->prefix);
	jsonw_kstr(w, "label", k->label);
	views_time(w, "createdAt", k->created_at);
	views_time(w, "revokedAt", k->revoked_at);
	jsonw_kstr(w, "status", k->revoked_at ? "revoked" : "active");
	jsonw_obj_end(w);
}

void views_list_open(struct jsonw *w, size_t n, const char *key)
{
	jsonw_obj(w);
	jsonw_kstr(w, "status", "success");
	jsonw_kint(w, "count", (long long)n);
	jsonw_key(w, key);
	jsonw_arr(w);
}

void views_msg_id(char *out, size_t n, const char *prefix, long long id)
{
	snprintf(out, n, "%s%lld", prefix, id);
}

void views_keyword_media(struct jsonw *w, const char *keyword, const char *media)
{
	struct inbound_media it;
	const char *p = media;

	jsonw_kstr(w, "keyword", keyword);
	jsonw_key(w, "media");
	jsonw_arr(w);
	while (inbound_media_next(&p, &it)) {
		jsonw_obj(w);
		jsonw_kstrn(w, "url", it.url, it.url_len);
		if (it.type != NULL)
			jsonw_kstrn(w, "contentType", it.type, it.type_len);
		else
			jsonw_knull(w, "contentType");
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
}

void views_feed_next(struct jsonw *w, const char *prefix, long long id)
{
	char next[32];

	jsonw_key(w, "next");
	if (id < 0) {
		jsonw_null(w);
		return;
	}
	views_msg_id(next, sizeof(next), prefix, id);
	jsonw_str(w, next);
}

void views_inbound(struct jsonw *w, const struct incoming *m)
{
	char id[32];

	views_msg_id(id, sizeof(id), "msg_", m->id);
	jsonw_obj(w);
	jsonw_kstr(w, "id", id);
	views_time(w, "timestamp", m->received_at);
	jsonw_kstr(w, "from", m->from);
	jsonw_kstr(w, "to", m->to);
	jsonw_kstrn(w, "message", m->body, m->body_len);
	jsonw_kstr(w, "provider", m->provider);
	views_kint_or_null(w, "usemodem", m->usemodem);
	views_kint_or_null(w, "port", m->port);
	jsonw_kbool(w, "isRegistered", m->is_registered);
	views_keyword_media(w, m->keyword, m->media);
	jsonw_obj_end(w);
}

void views_inbound_operator(struct jsonw *w, const struct incoming *m)
{
	char id[32];
	bool twilio = strcmp(m->provider, "twilio") == 0;

	views_msg_id(id, sizeof(id), "msg_", m->id);
	jsonw_obj(w);
	jsonw_kstr(w, "id", id);
	views_time(w, "timestamp", m->received_at);
	jsonw_kstr(w, "phoneNumber", m->from);
	jsonw_kstrn(w, "messageContent", m->body, m->body_len);
	jsonw_kbool(w, "isRegistered", m->is_registered);
	jsonw_kbool(w, "responseSent", m->response_sent);
	jsonw_kstr(w, "twilio_SmsMessageSid", twilio ? m->provider_message_id : NULL);
	jsonw_kstr(w, "provider", m->provider);
	jsonw_kstr(w, "to", m->to);
	views_keyword_media(w, m->keyword, m->media);
	jsonw_obj_end(w);
}

void views_outgoing_operator(struct jsonw *w, const struct outgoing *m)
{
	char id[32], reply[32];
	bool twilio = strcmp(m->provider, "twilio") == 0;

	views_msg_id(id, sizeof(id), "out_", m->id);
	jsonw_obj(w);
	jsonw_kstr(w, "id", id);
	views_time(w, "queuedAt", m->queued_at);
	views_time(w, "sentAt", m->sent_at);
	jsonw_kstr(w, "phoneNumber", m->to);
	jsonw_kstrn(w, "messageContent", m->body, m->body_len);
	jsonw_kstr(w, "operatorId", m->operator_id);
	jsonw_kstr(w, "operatorName", m->operator_name);
	jsonw_kstr(w, "status", m->status);
	jsonw_kstr(w, "twilio_SmsMessageSid", twilio ? m->provider_message_id : NULL);
	jsonw_kstr(w, "twilio_ErrorMessage", m->error_message);
	jsonw_kstr(w, "provider", m->provider);
	jsonw_kstr(w, "from", m->from);
	jsonw_kint(w, "segments", m->segments);
	jsonw_kstr(w, "encoding", m->encoding);
	jsonw_key(w, "inReplyTo");
	if (m->in_reply_to > 0) {
		views_msg_id(reply, sizeof(reply), "msg_", m->in_reply_to);
		jsonw_str(w, reply);
	} else {
		jsonw_null(w);
	}
	jsonw_obj_end(w);
}

void views_message(struct jsonw *w, const struct outgoing *m, const struct outgoing_history *h,
		   size_t nh)
{
	char id[32];
	size_t i;
	/* An event reports the status of its own history row. */
	const char *status = nh > 0 ? h[nh - 1].status : m->status;

	views_msg_id(id, sizeof(id), "out_", m->id);
	jsonw_obj(w);
	jsonw_kstr(w, "id", id);
	jsonw_kstr(w, "to", m->to);
	jsonw_kstr(w, "from", m->from);
	jsonw_kstrn(w, "message", m->body, m->body_len);
	jsonw_kstr(w, "provider", m->provider);
	if (m->usemodem >= 0) {
		jsonw_kint(w, "usemodem", m->usemodem);
		jsonw_kint(w, "port", m->port);
	}
	jsonw_kstr(w, "status", status);
	jsonw_kint(w, "segments", m->segments);
	jsonw_kstr(w, "encoding", m->encoding);
	views_time(w, "queuedAt", m->queued_at);
	views_time(w, "sentAt", m->sent_at);
	views_time(w, "deliveredAt", m->delivered_at);
	jsonw_kstr(w, "providerMessageId", m->provider_message_id);
	jsonw_key(w, "error");
	if (strcmp(status, "failed") == 0 || strcmp(status, "undelivered") == 0 ||
	    m->error_code != NULL) {
		jsonw_obj(w);
		jsonw_kstr(w, "code", m->error_code != NULL ? m->error_code : status);
		jsonw_kstr(w, "message", m->error_message);
		jsonw_obj_end(w);
	} else {
		jsonw_null(w);
	}
	jsonw_key(w, "history");
	jsonw_arr(w);
	for (i = 0; i < nh; i++) {
		jsonw_obj(w);
		jsonw_kstr(w, "status", h[i].status);
		views_time(w, "at", h[i].at);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	jsonw_obj_end(w);
}

void views_account(struct jsonw *w, const struct account *a)
{
	jsonw_obj(w);
	jsonw_kint(w, "id", a->id);
	jsonw_kstr(w, "username", a->username);
	jsonw_kstr(w, "role", a->role);
	views_kint_or_null(w, "clientId", a->client_id > 0 ? a->client_id : -1);
	jsonw_kstr(w, "displayName", a->display_name);
	jsonw_kstr(w, "status", a->status);
	views_time(w, "createdAt", a->created_at);
	jsonw_obj_end(w);
}

void views_optout_members(struct jsonw *w, const struct optout *o)
{
	bool out = o != NULL && o->opted_out;

	jsonw_kbool(w, "optedOut", out);
	jsonw_key(w, "optOut");
	if (!out) {
		jsonw_null(w);
		return;
	}
	jsonw_obj(w);
	views_time(w, "at", o->at);
	jsonw_kstr(w, "keyword", o->keyword);
	jsonw_kstr(w, "provider", o->provider);
	jsonw_kstr(w, "source", o->source);
	jsonw_obj_end(w);
}

void views_user(struct jsonw *w, const struct user *u)
{
	jsonw_obj(w);
	jsonw_kstr(w, "phoneNumber", u->phone);
	jsonw_kstr(w, "name", u->name);
	jsonw_kstr(w, "status", u->status);
	views_time(w, "createdAt", u->created_at);
	views_optout_members(w, &u->optout);
	jsonw_obj_end(w);
}

void views_optout_event(struct jsonw *w, const struct optout *o)
{
	char id[32];

	views_msg_id(id, sizeof(id), "opt_", o->id);
	jsonw_obj(w);
	jsonw_kstr(w, "id", id);
	jsonw_kstr(w, "phoneNumber", o->phone);
	jsonw_kbool(w, "optedOut", o->opted_out);
	jsonw_kstr(w, "keyword", o->keyword);
	jsonw_kstr(w, "provider", o->provider);
	jsonw_kstr(w, "source", o->source);
	jsonw_kstr(w, "note", o->note);
	views_time(w, "at", o->at);
	jsonw_obj_end(w);
}

void views_delivery_health_members(struct jsonw *w, const struct outbox_summary *s,
				   bool endpoint_disabled)
{
	jsonw_kint(w, "pending", s->pending);
	jsonw_kint(w, "dead", s->dead);
	jsonw_kint(w, "delivered", s->delivered);
	jsonw_kbool(w, "endpointDisabled", endpoint_disabled);
	jsonw_key(w, "lastDelivery");
	if (s->has_last) {
		jsonw_obj(w);
		views_time(w, "at", s->last_at);
		jsonw_key(w, "httpStatus");
		if (s->last_status > 0)
			jsonw_int(w, s->last_status);
		else
			jsonw_null(w);
		jsonw_kbool(w, "ok", s->last_ok);
		jsonw_kstr(w, "error", s->last_ok ? NULL : s->last_error);
		jsonw_obj_end(w);
	} else {
		jsonw_null(w);
	}
}

void views_delivery(struct jsonw *w, const struct delivery *d)
{
	char id[32];
	size_t k;

	jsonw_obj(w);
	views_msg_id(id, sizeof(id), "dlv_", d->id);
	jsonw_kstr(w, "id", id);
	jsonw_kstr(w, "eventId", d->event_id);
	jsonw_kstr(w, "type", d->status_event ? "sms.status" : "sms.received");
	if (d->status_event)
		views_msg_id(id, sizeof(id), "out_", d->outgoing_id);
	else
		views_msg_id(id, sizeof(id), "msg_", d->incoming_id);
	jsonw_kstr(w, "messageId", d->incoming_id > 0 || d->outgoing_id > 0 ? id : NULL);
	jsonw_kstr(w, "status", d->status);
	jsonw_kint(w, "attempts", d->attempts);
	views_kint_or_null(w, "lastHttpStatus", d->last_http_status > 0 ? d->last_http_status : -1);
	jsonw_kstr(w, "lastError", d->last_error);
	views_time(w, "createdAt", d->created_at);
	views_time(w, "updatedAt", d->updated_at);
	views_time(w, "finishedAt", d->finished_at);
	jsonw_key(w, "attemptLog");
	jsonw_arr(w);
	for (k = 0; k < d->nlog; k++) {
		const struct delivery_attempt *l = &d->log[k];

		jsonw_obj(w);
		jsonw_kint(w, "attempt", l->attempt);
		views_time(w, "at", l->started_at);
		jsonw_kint(w, "durationMs", l->duration_ms);
		views_kint_or_null(w, "httpStatus", l->http_status > 0 ? l->http_status : -1);
		jsonw_kstr(w, "outcome", l->outcome);
		jsonw_kstr(w, "error", l->error);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	jsonw_obj_end(w);
}
