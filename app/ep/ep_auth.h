/*
 * POST /api/auth/login, POST /api/auth/logout and GET /api/auth/me.
 */
#ifndef IBIKI_EP_AUTH_H
#define IBIKI_EP_AUTH_H

#include "http/router.h"

extern const struct endpoint ep_auth_login;
extern const struct endpoint ep_auth_logout;
extern const struct endpoint ep_auth_me;

#endif
