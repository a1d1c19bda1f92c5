/*
 * JSON views of domain objects: the one place each object's public shape
 * is written, so every endpoint (and the push payload) shows the same
 * fields under the same names.
 */
#ifndef IBIKI_VIEWS_H
#define IBIKI_VIEWS_H

#include <stddef.h>

#include "db_api_keys.h"
#include "db_clients.h"
#include "db_routes.h"
#include "jsonw.h"

/* Members of a client object (caller opens and closes it): id, name,
 * status, deliveryMode, webhook {url, configured, badge, secretSet},
 * createdAt, updatedAt.  Never the secret. */
void view_client_members(struct jw *w, const struct client *c);
void view_route(struct jw *w, const struct client_route *r);
void view_api_key(struct jw *w, const struct api_key *k);
/* Key + DATETIME value as ISO 8601, or null. */
void view_time(struct jw *w, const char *key, const char *db_time);

#endif
