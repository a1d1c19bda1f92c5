/*
 * The suppression list from outside (DESIGN "Opt-out and media"): the
 * feed a client system syncs from, and an admin's clearing of a number.
 */
#ifndef IBIKI_EP_OPTOUTS_H
#define IBIKI_EP_OPTOUTS_H

#include "http/router.h"

extern const struct endpoint ep_optouts_v2_feed;
extern const struct endpoint ep_optouts_admin_clear;

#endif
