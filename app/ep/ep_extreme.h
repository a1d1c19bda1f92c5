/*
 * Extreme's webhook: POST /extreme/incoming.
 */
#ifndef IBIKI_EP_EXTREME_H
#define IBIKI_EP_EXTREME_H

#include "http/router.h"

extern const struct endpoint ep_extreme_incoming;

#endif
