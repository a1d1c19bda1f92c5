/*
 * GET /api/v2/clients/{id}: a client system's view of its own profile.
 */
#ifndef IBIKI_EP_V2_CLIENT_H
#define IBIKI_EP_V2_CLIENT_H

#include "http/router.h"

extern const struct endpoint ep_v2_client_get;

#endif
