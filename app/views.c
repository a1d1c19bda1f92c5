/*
 * JSON views.  See views.h.
 */
#include "views.h"

#include <string.h>

#include "timeutil.h"

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

void view_route(struct jw *w, const struct client_route *r)
{
	jw_obj(w);
	jw_kint(w, "id", r->id);
	jw_kint(w, "clientId", r->client_id);
	jw_kstr(w, "provider", r->provider);
	jw_kstr(w, "number", r->number);
	jw_key(w, "usemodem");
	if (r->usemodem >= 0)
		jw_int(w, r->usemodem);
	else
		jw_null(w);
	jw_key(w, "port");
	if (r->port >= 0)
		jw_int(w, r->port);
	else
		jw_null(w);
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
