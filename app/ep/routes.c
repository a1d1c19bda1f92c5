/*
 * The route table: every endpoint Ibiki answers, with the credential it
 * requires and the largest body it accepts.  The router (route.c, via
 * handle.c) is the only place that answers 404, 405 and 413.
 */
#include "ep/routes.h"

#include "ep/ep_accounts.h"
#include "ep/ep_admin.h"
#include "ep/ep_auth.h"
#include "ep/ep_deliveries.h"
#include "ep/ep_extreme.h"
#include "ep/ep_health.h"
#include "ep/ep_messages.h"
#include "ep/ep_optouts.h"
#include "ep/ep_users.h"
#include "ep/ep_twilio.h"
#include "ep/ep_v2_client.h"
#include "ep/ep_v2_sms.h"
#include "ep/ep_v2_webhooks.h"
#include "ep/ep_conversations.h"

#define KB 1024

const struct route routes_table[] = {
	/* Monitoring */
	{M_GET, "/health", &ep_health_get, CRED_NONE, BODY_NONE, 0, ROUTE_INGEST},
	{M_GET, "/metrics", &ep_health_metrics, CRED_NONE, BODY_NONE, 0, 0},

	/* Login */
	{M_POST, "/api/auth/login", &ep_auth_login, CRED_NONE, BODY_JSON, 4 * KB, 0},
	{M_POST, "/api/auth/logout", &ep_auth_logout, CRED_NONE, BODY_NONE, 0, 0},
	{M_GET, "/api/auth/me", &ep_auth_me, CRED_SESSION, BODY_NONE, 0, 0},

	/* Admin API */
	{M_GET, "/api/admin/clients", &ep_admin_clients_list, CRED_ADMIN, BODY_NONE, 0, 0},
	{M_POST, "/api/admin/clients", &ep_admin_clients_create, CRED_ADMIN, BODY_JSON, 4 * KB, 0},
	{M_GET, "/api/admin/clients/{id}", &ep_admin_clients_get, CRED_ADMIN, BODY_NONE, 0, 0},
	{M_PATCH, "/api/admin/clients/{id}", &ep_admin_clients_update, CRED_ADMIN, BODY_JSON,
	 4 * KB, 0},
	{M_POST, "/api/admin/clients/{id}/routes", &ep_admin_routes_create, CRED_ADMIN, BODY_JSON,
	 4 * KB, 0},
	{M_GET, "/api/admin/clients/{id}/routes/{routeId}", &ep_admin_routes_get, CRED_ADMIN,
	 BODY_NONE, 0, 0},
	{M_PATCH, "/api/admin/clients/{id}/routes/{routeId}", &ep_admin_routes_update, CRED_ADMIN,
	 BODY_JSON, 4 * KB, 0},
	{M_DELETE, "/api/admin/clients/{id}/routes/{routeId}", &ep_admin_routes_delete, CRED_ADMIN,
	 BODY_NONE, 0, 0},
	{M_POST, "/api/admin/clients/{id}/api-keys", &ep_admin_keys_create, CRED_ADMIN, BODY_JSON,
	 4 * KB, 0},
	{M_DELETE, "/api/admin/clients/{id}/api-keys/{keyId}", &ep_admin_keys_revoke, CRED_ADMIN,
	 BODY_NONE, 0, 0},
	{M_POST, "/api/admin/clients/{id}/delivery-mode", &ep_admin_delivery_mode, CRED_ADMIN,
	 BODY_JSON, 4 * KB, 0},
	{M_POST, "/api/admin/clients/{id}/webhook", &ep_admin_webhook, CRED_ADMIN, BODY_JSON,
	 8 * KB, 0},
	{M_DELETE, "/api/admin/clients/{id}/webhook", &ep_admin_webhook_delete, CRED_ADMIN,
	 BODY_NONE, 0, 0},
	{M_GET, "/api/admin/clients/{id}/deliveries", &ep_deliveries_admin_list, CRED_ADMIN,
	 BODY_NONE, 0, 0},
	{M_POST, "/api/admin/clients/{id}/deliveries/{dlv}/redeliver",
	 &ep_deliveries_admin_redeliver, CRED_ADMIN, BODY_NONE, 0, 0},
	{M_GET, "/api/admin/accounts", &ep_admin_accounts_list, CRED_ADMIN, BODY_NONE, 0, 0},
	{M_POST, "/api/admin/accounts", &ep_admin_accounts_create, CRED_ADMIN, BODY_JSON, 4 * KB,
	 0},
	{M_PATCH, "/api/admin/accounts/{accountId}", &ep_admin_accounts_update, CRED_ADMIN,
	 BODY_JSON, 4 * KB, 0},
	{M_DELETE, "/api/admin/clients/{id}/optouts/{phoneNumber}", &ep_optouts_admin_clear,
	 CRED_ADMIN, BODY_JSON, 4 * KB, 0},

	/* Provider webhooks */
	{M_POST, "/twilio/incoming", &ep_twilio_incoming, CRED_TWILIO, BODY_FORM, 64 * KB,
	 ROUTE_INGEST},
	{M_POST, "/twilio/status", &ep_twilio_status, CRED_TWILIO, BODY_FORM, 16 * KB,
	 ROUTE_INGEST},
	{M_POST, "/extreme/incoming", &ep_extreme_incoming, CRED_EXTREME, BODY_JSON, 64 * KB,
	 ROUTE_INGEST},

	/* Operator API */
	{M_POST, "/api/send-message", &ep_messages_send, CRED_OPERATOR, BODY_JSON, 16 * KB,
	 ROUTE_IDEMPOTENT},
	{M_GET, "/api/messages/incoming", &ep_messages_incoming, CRED_OPERATOR, BODY_NONE, 0, 0},
	{M_GET, "/api/messages/outgoing", &ep_messages_outgoing, CRED_OPERATOR, BODY_NONE, 0, 0},
	{M_GET, "/api/users", &ep_users_list, CRED_OPERATOR, BODY_NONE, 0, 0},
	{M_POST, "/api/users", &ep_users_create, CRED_OPERATOR, BODY_JSON, 4 * KB, 0},
	{M_PATCH, "/api/users/{phoneNumber}", &ep_users_update, CRED_OPERATOR, BODY_JSON, 4 * KB,
	 0},
	{M_GET, "/api/web/inbox", &ep_conversations_list, CRED_OPERATOR, BODY_NONE, 0, 0},
	{M_GET, "/api/web/inbox/{phoneNumber}", &ep_conversations_thread, CRED_OPERATOR, BODY_NONE,
	 0, 0},
	{M_POST, "/api/web/inbox/reply", &ep_conversations_reply, CRED_OPERATOR, BODY_JSON, 16 * KB,
	 ROUTE_IDEMPOTENT},

	/* Client API v2 */
	{M_GET, "/api/v2/clients/{id}", &ep_v2_client_get, CRED_KEY, BODY_NONE, 0, 0},
	{M_GET, "/api/v2/sms/inbox", &ep_v2_sms_inbox, CRED_KEY, BODY_NONE, 0, 0},
	{M_POST, "/api/v2/sms/sendsingle", &ep_v2_sms_sendsingle, CRED_KEY, BODY_JSON, 16 * KB,
	 ROUTE_IDEMPOTENT},
	{M_POST, "/api/v2/sms/send", &ep_v2_sms_send, CRED_KEY, BODY_JSON, 16 * KB,
	 ROUTE_IDEMPOTENT},
	{M_GET, "/api/v2/sms/messages/{id}", &ep_v2_sms_message, CRED_KEY, BODY_NONE, 0, 0},
	{M_GET, "/api/v2/sms/outbox", &ep_v2_sms_outbox, CRED_KEY, BODY_NONE, 0, 0},
	{M_POST, "/api/v2/sms/reply", &ep_conversations_reply, CRED_KEY, BODY_JSON, 16 * KB,
	 ROUTE_IDEMPOTENT},
	{M_POST, "/api/v2/webhooks/register", &ep_v2_webhooks_register, CRED_KEY, BODY_JSON, 8 * KB,
	 0},
	{M_GET, "/api/v2/optouts", &ep_optouts_v2_feed, CRED_KEY, BODY_NONE, 0, 0},
	{M_GET, "/api/v2/webhooks/status", &ep_v2_webhooks_status, CRED_KEY, BODY_NONE, 0, 0},
	{M_GET, "/api/v2/webhooks/deliveries", &ep_deliveries_v2_list, CRED_KEY, BODY_NONE, 0, 0},
	{M_POST, "/api/v2/webhooks/deliveries/{id}/redeliver", &ep_deliveries_v2_redeliver,
	 CRED_KEY, BODY_NONE, 0, 0},
};

const size_t routes_count = sizeof(routes_table) / sizeof(routes_table[0]);
