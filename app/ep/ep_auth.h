/*
 * POST /api/auth/login and POST /api/auth/logout.
 */
#ifndef IBIKI_EP_AUTH_H
#define IBIKI_EP_AUTH_H

#include "http/router.h"

extern const struct endpoint ep_auth_login;
extern const struct endpoint ep_auth_logout;

#endif
