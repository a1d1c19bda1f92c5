/*
 * Request helpers: method names, recording an error for the renderer, the
 * headers the transport passes in, content types, and the one error
 * renderer, which writes every error body {"error","message",...} whatever
 * layer decided the error.
 */
#include "http/req.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db/db.h"

static const char *const method_names[M__MAX] = {
	[M_GET] = "GET",       [M_POST] = "POST", [M_PUT] = "PUT",	   [M_PATCH] = "PATCH",
	[M_DELETE] = "DELETE", [M_HEAD] = "HEAD", [M_OPTIONS] = "OPTIONS", [M_OTHER] = "OTHER",
};

enum method req_method_parse(const char *s)
{
	int m;

	if (s == NULL)
		return M_OTHER;
	for (m = 0; m < M_OTHER; m++)
		if (strcmp(s, method_names[m]) == 0)
			return (enum method)m;
	return M_OTHER;
}

const char *req_method_name(enum method m)
{
	return m < M__MAX ? method_names[m] : "OTHER";
}

enum status req_fail(struct req *r, enum status st, const char *code, const char *message)
{
	r->err.code = code;
	r->err.message = message;
	return st;
}

enum status req_failf(struct req *r, enum status st, const char *code, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	return req_fail(r, st, code, arena_strdup(r->a, tmp));
}

void req_header(struct req *r, const char *line)
{
	if (r->nheaders < REQ_MAX_HEADERS)
		r->headers[r->nheaders++] = line;
}

struct jsonw *req_json(struct req *r)
{
	r->out->len = 0;
	jsonw_init(&r->w, r->out);
	return &r->w;
}

static bool type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

bool req_is_json(const struct req *r)
{
	return type_is(r->content_type, "application/json");
}

bool req_is_form(const struct req *r)
{
	return type_is(r->content_type, "application/x-www-form-urlencoded");
}

/* The request headers the transport fills in, by name. */
static const struct {
	const char *name;
	size_t off;
} headers_in[] = {
	{"Authorization", offsetof(struct req, authorization)},
	{"Cookie", offsetof(struct req, cookie)},
	{"X-Twilio-Signature", offsetof(struct req, twilio_signature)},
	{"X-Extreme-Token", offsetof(struct req, extreme_token)},
	{"Idempotency-Key", offsetof(struct req, idempotency_key)},
	{"X-Ibiki-Client", offsetof(struct req, client_header)},
	{"Prefer", offsetof(struct req, prefer)},
	{"Origin", offsetof(struct req, origin)},
	{"Sec-Fetch-Site", offsetof(struct req, sec_fetch_site)},
};

const char *req_header_in(const struct req *r, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(headers_in) / sizeof(headers_in[0]); i++)
		if (strcasecmp(headers_in[i].name, name) == 0)
			return *(const char *const *)((const char *)r + headers_in[i].off);
	return NULL;
}

bool req_prefers_async(const struct req *r)
{
	const char *p = r->prefer;
	size_t n;

	/* Preferences are separated by commas, parameters by semicolons. */
	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t,");
		n = strcspn(p, " \t,;=");
		if (n == 13 && strncasecmp(p, "respond-async", 13) == 0)
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

void req_err_member(struct req *r, const char *key, const char *value)
{
	if (r->err.nmore < REQ_MAX_ERR_MEMBERS) {
		r->err.more[r->err.nmore].key = key;
		r->err.more[r->err.nmore].value = value;
		r->err.nmore++;
	}
}

void req_render_error(struct req *r, enum status st)
{
	struct jsonw *w = req_json(r);
	const char *code = r->err.code ? r->err.code : status_error(st);
	const char *msg = r->err.message ? r->err.message : status_reason(st);
	size_t i;

	r->err.code = code;
	r->out_type = NULL;
	jsonw_obj(w);
	jsonw_kstr(w, "error", code);
	jsonw_kstr(w, "message", msg);
	if (r->err.details != NULL)
		jsonw_kstr(w, "details", r->err.details);
	for (i = 0; i < r->err.nmore; i++)
		jsonw_kstr(w, r->err.more[i].key, r->err.more[i].value);
	jsonw_obj_end(w);
}

enum status req_db_fail(struct req *r, int db_rc)
{
	if (db_rc == DB_UNAVAILABLE || db_rc == DB_RETRY)
		return req_fail(r, ST_UNAVAILABLE, "database_unavailable",
				"The database is unavailable; try again shortly");
	return req_fail(r, ST_INTERNAL, "internal_error", "Internal error");
}
