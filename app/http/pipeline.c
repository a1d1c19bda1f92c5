/*
 * The pipeline's steps in order: routing (404, 405, a cross-site write with
 * the session cookie 403, 413 -- all before the body is read), the query
 * string, a form body (Twilio signs it, so it is parsed before
 * authentication), authentication, a JSON body (only for callers who
 * got in), the endpoint's field table, the Idempotency-Key, the handler --
 * and, on any error, the one error renderer.
 */
#include "http/pipeline.h"

#include <stdio.h>
#include <string.h>

#include "http/auth.h"
#include "http/fields.h"
#include "http/idem.h"
#include "lib/json.h"
#include "http/router.h"

enum status pipeline_route(struct req *r, const struct route *table, size_t n, enum route_pool pool)
{
	char allow[128];
	enum route_result rr;
	enum status st;

	rr = router_match(table, n, r->method, r->path ? r->path : "", &r->route, r->params, r->a,
			  allow, sizeof(allow));
	switch (rr) {
	case ROUTE_FOUND:
		break;
	case ROUTE_NO_METHOD:
		req_header(r, arena_printf(r->a, "Allow: %s", allow));
		st = req_failf(r, ST_METHOD_NOT_ALLOWED, "method_not_allowed",
			       "Method %s is not allowed here; allowed: %s",
			       req_method_name(r->method), allow);
		req_render_error(r, st);
		return st;
	case ROUTE_NO_PATH:
	default:
		st = req_fail(r, ST_NOT_FOUND, "not_found", "No such endpoint");
		req_render_error(r, st);
		return st;
	}
	if (pool != ROUTE_POOL_ANY &&
	    ((r->route->flags & ROUTE_INGEST) != 0) != (pool == ROUTE_POOL_INGEST)) {
		st = req_fail(r, ST_NOT_FOUND, "not_found", "No such endpoint in this pool");
		req_render_error(r, st);
		return st;
	}
	/* Before the body's size or content: a cookie-only write from another
	 * site is refused whatever it carries. */
	if ((st = auth_csrf(r)) != ST_OK) {
		req_render_error(r, st);
		return st;
	}
	if (r->content_length < 0 || (size_t)r->content_length > r->route->max_body) {
		st = req_failf(r, ST_PAYLOAD_TOO_LARGE, "payload_too_large",
			       "Request body larger than %zu bytes", r->route->max_body);
		req_render_error(r, st);
		return st;
	}
	return ST_OK;
}

static enum status parse_body(struct req *r)
{
	const char *err = NULL;
	struct json *root;

	switch (r->route->body) {
	case BODY_NONE:
		return ST_OK;
	case BODY_FORM:
		if (r->body_len > 0 && !req_is_form(r))
			return req_fail(r, ST_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
					"Content-Type must be application/x-www-form-urlencoded");
		if (kv_parse(r->a, r->body ? r->body : "", r->body_len, &r->form, &err) < 0)
			return req_failf(r, ST_BAD_REQUEST, "invalid_form",
					 "Malformed form body: %s", err);
		return ST_OK;
	case BODY_JSON:
		if (r->body_len == 0) {
			root = arena_alloc(r->a, sizeof(*root));
			root->type = JSON_OBJECT;
			r->json = root;
			return ST_OK;
		}
		if (!req_is_json(r))
			return req_fail(r, ST_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
					"Content-Type must be application/json");
		if (json_parse(r->a, r->body, r->body_len, &root, &err) < 0)
			return req_failf(r, ST_BAD_REQUEST, "invalid_json",
					 "Request body is not valid JSON: %s", err);
		if (root->type != JSON_OBJECT)
			return req_fail(r, ST_BAD_REQUEST, "invalid_json",
					"Request body must be a JSON object");
		r->json = root;
		return ST_OK;
	case BODY__MAX:
		break;
	}
	return req_fail(r, ST_INTERNAL, "internal_error", "Bad route");
}

enum status pipeline_run(struct req *r)
{
	const char *err = NULL;
	struct idem idem = {0};
	bool replayed = false;
	enum status st;

	if (kv_parse(r->a, r->query ? r->query : "", r->query ? strlen(r->query) : 0, &r->query_kv,
		     &err) < 0) {
		st = req_failf(r, ST_BAD_REQUEST, "invalid_query", "Malformed query string: %s",
			       err);
		goto out;
	}
	/* A form is needed before authentication (Twilio signs it); a JSON
	 * body is parsed only for callers who got in. */
	if (r->route->body == BODY_FORM && (st = parse_body(r)) != ST_OK)
		goto out;
	if ((st = auth_request(r)) != ST_OK)
		goto out;
	if (r->route->body == BODY_JSON && (st = parse_body(r)) != ST_OK)
		goto out;
	if ((st = fields_validate(r, r->route->ep->fields, r->route->ep->nfields)) != ST_OK)
		goto out;
	if ((r->route->flags & ROUTE_IDEMPOTENT) && r->idempotency_key != NULL) {
		st = idem_begin(r, &idem, &replayed);
		if (replayed)
			return st; /* the first answer, as it was */
		if (st != ST_OK)
			goto out;
	}
	req_json(r);
	st = r->route->ep->handler(r);
	/* A document left open is a bug; never send half a JSON object. */
	if (st < ST__MAX && status_code(st) < 400 && (jsonw_failed(&r->w) || r->w.depth != 0))
		st = req_fail(r, ST_INTERNAL, "internal_error",
			      jsonw_failed(&r->w) ? "Response too large" : "Malformed response");
out:
	if (status_code(st) >= 400)
		req_render_error(r, st);
	idem_finish(r, &idem, st);
	return st;
}

enum status pipeline_request(struct req *r, const struct route *table, size_t n)
{
	enum status st = pipeline_route(r, table, n, ROUTE_POOL_ANY);

	if (st != ST_OK)
		return st;
	return pipeline_run(r);
}
