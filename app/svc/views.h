/*
 * JSON views of domain objects: one serializer per object (an inbound
 * message as clients see it, as operators see it, an outbound message, a
 * client, a route, a key, a delivery...), used by every endpoint and by
 * the push payload, so the same object always shows the same fields
 * under the same names.  Each writes into a struct jsonw; a failure is
 * the writer's sticky one (jsonw_failed).
 */
#ifndef IBIKI_SVC_VIEWS_H
#define IBIKI_SVC_VIEWS_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db_accounts.h"
#include "db/db_api_keys.h"
#include "db/db_clients.h"
#include "db/db_incoming.h"
#include "db/db_outbox.h"
#include "db/db_outgoing.h"
#include "db/db_client_routes.h"
#include "db/db_optouts.h"
#include "db/db_users.h"
#include "lib/jsonw.h"

/* Members of a client object (caller opens and closes it): id, name,
 * status, deliveryMode, webhook {url, configured, badge, secretSet, events},
 * createdAt, updatedAt.  Never the secret. */
void views_client_members(struct jsonw *w, const struct client *c);
/* {id, clientId, provider, number, usemodem, port, mps (null: the
 * default rate), createdAt} */
void views_route(struct jsonw *w, const struct client_route *r);
/* {id, clientId, prefix, label, createdAt, revokedAt, status}: never the
 * key, which is shown only once, when it is made. */
void views_api_key(struct jsonw *w, const struct api_key *k);
/* An inbound message as client systems see it, in the v2 inbox and in
 * webhook payloads alike: {id, timestamp, from, to, message, provider,
 * usemodem, port, isRegistered, keyword, media}. */
void views_inbound(struct jsonw *w, const struct incoming *m);
/* An inbound message as operators see it (seed "SMS Messaging UX"):
 * {id, timestamp, phoneNumber, messageContent, isRegistered, responseSent,
 * twilio_SmsMessageSid, provider, to, keyword, media}. */
void views_inbound_operator(struct jsonw *w, const struct incoming *m);
/* An outbound message as operators see it: {id, queuedAt, sentAt,
 * phoneNumber, messageContent, operatorId, operatorName, status,
 * twilio_SmsMessageSid, twilio_ErrorMessage, provider, from, segments,
 * encoding, inReplyTo}. */
void views_outgoing_operator(struct jsonw *w, const struct outgoing *m);
/* An outbound message as client systems see it (v2 API, sms.status
 * events): {id, to, from, message, provider, usemodem?, port?, status,
 * segments, encoding, queuedAt, sentAt, deliveredAt, providerMessageId,
 * error:{code, message}|null, history:[{status, at}]}.  status is that of
 * the last of the nh history entries (an event shows the change it
 * reports), or the row's when nh is 0. */
void views_message(struct jsonw *w, const struct outgoing *m, const struct outgoing_history *h,
		   size_t nh);
/* Members of every inbound object: keyword ("stop" | "start" | "help" |
 * null) and media [{url, contentType}] from the stored form (NULL: []). */
void views_keyword_media(struct jsonw *w, const char *keyword, const char *media);
/* Members optedOut and optOut:{at, keyword, provider, source}|null of a
 * number's state (o NULL: never opted out). */
void views_optout_members(struct jsonw *w, const struct optout *o);
/* An account: {id, username, role, clientId|null, displayName, status,
 * createdAt}.  Never its password hash. */
void views_account(struct jsonw *w, const struct account *a);
/* {phoneNumber, name, status, createdAt, optedOut, optOut} */
void views_user(struct jsonw *w, const struct user *u);
/* A change of the suppression list: {id:"opt_<n>", phoneNumber, optedOut,
 * keyword, provider, source, note, at}. */
void views_optout_event(struct jsonw *w, const struct optout *o);
/* "events": the webhook events of a client's webhook_events SET value
 * ("sms.received,sms.status"). */
void views_events(struct jsonw *w, const char *events);
/* Key + v, or null when v < 0 (usemodem, port). */
void views_kint_or_null(struct jsonw *w, const char *key, long long v);
/* Open a list answer: {"status":"success","count":n,"<key>":[ ; the
 * caller writes the items and closes the array and the object. */
void views_list_open(struct jsonw *w, size_t n, const char *key);
/* A cursor feed's "next": prefix + id, or null when id < 0. */
void views_feed_next(struct jsonw *w, const char *prefix, long long id);
/* "msg_<n>" / "out_<n>" into out (>= 24 bytes). */
void views_msg_id(char *out, size_t n, const char *prefix, long long id);

/* Members of a client's webhook delivery health (caller opens the
 * object): pending, dead, delivered, endpointDisabled, lastDelivery:{at,
 * httpStatus, ok, error}|null. */
void views_delivery_health_members(struct jsonw *w, const struct outbox_summary *s,
				   bool endpoint_disabled);

/* A webhook delivery with its attempt log: {id:"dlv_<n>", eventId, type
 * (sms.received | sms.status), messageId (msg_ or out_), status, attempts, lastHttpStatus,
 * lastError, createdAt, updatedAt, finishedAt, attemptLog:[{attempt, at, durationMs, httpStatus,
 * outcome, error}]}. */
void views_delivery(struct jsonw *w, const struct delivery *d);

/* Key + DATETIME value as ISO 8601, or null. */
void views_time(struct jsonw *w, const char *key, const char *db_time);

#endif
