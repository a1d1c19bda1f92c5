/*
 * Webhook deliveries: the list with attempts, and redelivery; for a
 * client's own key (v2) and for admins (any client).
 */
#ifndef IBIKI_EP_DELIVERIES_H
#define IBIKI_EP_DELIVERIES_H

#include "http/router.h"

extern const struct endpoint ep_deliveries_v2_list;
extern const struct endpoint ep_deliveries_v2_redeliver;
extern const struct endpoint ep_deliveries_admin_list;
extern const struct endpoint ep_deliveries_admin_redeliver;

#endif
