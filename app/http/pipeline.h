/*
 * The request pipeline, transport-free: route (404/405/413), then parse
 * the query and form, authenticate, parse a JSON body, validate the
 * endpoint's fields, and run its handler.  Every error on the way is
 * rendered by req_render_error.  The FastCGI worker and the unit tests
 * both drive requests through these two calls.
 */
#ifndef IBIKI_HANDLE_H
#define IBIKI_HANDLE_H

#include "http/req.h"

/* Find r's route.  ST_OK with r->route set, or 404/405/413 rendered.
 * Uses r->content_length, so it can run before the body is read. */
enum status handle_route(struct req *r);

/* Run the routed request (body read) to its final status; the response
 * body is in r->out. */
enum status handle_run(struct req *r);

/* handle_route + handle_run. */
enum status handle_request(struct req *r);

#endif
