/*
 * Webhook deliveries: the list with attempts, and redelivery; for a
 * client's own key (v2) and for admins (any client).
 */
#ifndef IBIKI_EP_DELIVERIES_H
#define IBIKI_EP_DELIVERIES_H

#include "http/router.h"

extern const struct endpoint ep_v2_deliveries;
extern const struct endpoint ep_v2_redeliver;
extern const struct endpoint ep_admin_deliveries;
extern const struct endpoint ep_admin_redeliver;

#endif
