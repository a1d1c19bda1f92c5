/*
 * Registered users (GET/POST /api/users, PATCH /api/users/{phoneNumber}):
 * operator JWT, or admin JWT with X-Ibiki-Client.
 */
#ifndef IBIKI_EP_USERS_H
#define IBIKI_EP_USERS_H

#include "http/router.h"

extern const struct endpoint ep_users_list;
extern const struct endpoint ep_users_create;
extern const struct endpoint ep_users_update;

#endif
