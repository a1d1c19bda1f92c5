/*
 * Admin API (admin JWT): clients, routes, API keys, accounts, delivery
 * mode and webhook.
 */
#ifndef IBIKI_EP_ADMIN_H
#define IBIKI_EP_ADMIN_H

#include "http/router.h"

extern const struct endpoint ep_admin_clients_list;
extern const struct endpoint ep_admin_clients_create;
extern const struct endpoint ep_admin_clients_get;
extern const struct endpoint ep_admin_routes_create;
extern const struct endpoint ep_admin_routes_update;
extern const struct endpoint ep_admin_keys_create;
extern const struct endpoint ep_admin_keys_revoke;
extern const struct endpoint ep_admin_clients_update;
extern const struct endpoint ep_admin_webhook_delete;
extern const struct endpoint ep_admin_routes_get;
extern const struct endpoint ep_admin_routes_delete;
extern const struct endpoint ep_admin_delivery_mode;
extern const struct endpoint ep_admin_webhook;

#endif
