/*
 * The request pipeline, transport-free: route (404/405/413), then parse
 * the query and form, authenticate, parse a JSON body, validate the
 * endpoint's fields, and run its handler.  Every error on the way is
 * rendered by req_render_error.  The FastCGI worker, the spool import and
 * the unit tests all drive requests through these calls, with the route
 * table of ep/routes.h.
 */
#ifndef IBIKI_HTTP_PIPELINE_H
#define IBIKI_HTTP_PIPELINE_H

#include <stddef.h>

#include "http/req.h"
#include "http/router.h"

/* Find r's route in table (n entries) among those of pool.  ST_OK with
 * r->route set, or 404/405/413 rendered into r->out (404 too for a route
 * of the other pool: nginx sent it to the wrong socket).  Uses
 * r->content_length, so it can run before the body is read. */
enum status pipeline_route(struct req *r, const struct route *table, size_t n,
			   enum route_pool pool);

/* Run the routed request (body read) to its final status; the response
 * body (or the rendered error) is in r->out. */
enum status pipeline_run(struct req *r);

/* pipeline_route, then pipeline_run when routing succeeded. */
enum status pipeline_request(struct req *r, const struct route *table, size_t n);

#endif
