/*
 * Client API v2, webhooks (API key): register, status.
 */
#ifndef IBIKI_EP_V2_WEBHOOKS_H
#define IBIKI_EP_V2_WEBHOOKS_H

#include "http/router.h"

extern const struct endpoint ep_v2_webhooks_register;
extern const struct endpoint ep_v2_webhooks_status;

#endif
