/*
 * The route table: every endpoint Ibiki answers (ep/routes.c), for the
 * pipeline (http/pipeline.h) to route by.
 */
#ifndef IBIKI_EP_ROUTES_H
#define IBIKI_EP_ROUTES_H

#include <stddef.h>

#include "http/router.h"

extern const struct route routes_table[];
extern const size_t routes_count;

#endif
