/*
 * GET /health and GET /metrics.
 */
#ifndef IBIKI_EP_HEALTH_H
#define IBIKI_EP_HEALTH_H

#include "http/router.h"

extern const struct endpoint ep_health_get;
extern const struct endpoint ep_health_metrics;

#endif
