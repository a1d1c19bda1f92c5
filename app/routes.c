/*
 * The route table: every endpoint Ibiki answers, with the credential it
 * requires and the largest body it accepts.  The router (route.c, via
 * handle.c) is the only place that answers 404, 405 and 413.
 */
#include "route.h"

#include "ep_admin.h"
#include "ep_auth.h"
#include "ep_health.h"
#include "ep_v2_client.h"

#define KB 1024

const struct route route_table[] = {
	/* Monitoring */
	{M_GET, "/health", &ep_health, CRED_NONE, BODY_NONE, 0},
	{M_GET, "/metrics", &ep_metrics, CRED_NONE, BODY_NONE, 0},

	/* Login */
	{M_POST, "/api/auth/login", &ep_login, CRED_NONE, BODY_JSON, 4 * KB},
	{M_POST, "/api/auth/logout", &ep_logout, CRED_NONE, BODY_NONE, 0},

	/* Admin API */
	{M_GET, "/api/admin/clients", &ep_admin_clients_list, CRED_ADMIN, BODY_NONE, 0},
	{M_POST, "/api/admin/clients", &ep_admin_clients_create, CRED_ADMIN, BODY_JSON, 4 * KB},
	{M_GET, "/api/admin/clients/{id}", &ep_admin_clients_get, CRED_ADMIN, BODY_NONE, 0},
	{M_POST, "/api/admin/clients/{id}/routes", &ep_admin_routes_create, CRED_ADMIN, BODY_JSON, 4 * KB},
	{M_POST, "/api/admin/clients/{id}/api-keys", &ep_admin_keys_create, CRED_ADMIN, BODY_JSON, 4 * KB},
	{M_DELETE, "/api/admin/clients/{id}/api-keys/{keyId}", &ep_admin_keys_revoke, CRED_ADMIN, BODY_NONE, 0},
	{M_POST, "/api/admin/clients/{id}/delivery-mode", &ep_admin_delivery_mode, CRED_ADMIN, BODY_JSON, 4 * KB},
	{M_POST, "/api/admin/clients/{id}/webhook", &ep_admin_webhook, CRED_ADMIN, BODY_JSON, 8 * KB},
	{M_POST, "/api/admin/accounts", &ep_admin_accounts_create, CRED_ADMIN, BODY_JSON, 4 * KB},

	/* Client API v2 */
	{M_GET, "/api/v2/clients/{id}", &ep_v2_client_get, CRED_KEY, BODY_NONE, 0},
};

const size_t route_count = sizeof(route_table) / sizeof(route_table[0]);
