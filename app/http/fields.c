/*
 * Field-table validation: where a value comes from, its type, its bounds.
 * See fields.h.  Every value is found and typed by one function (take),
 * then checked against its bounds by another (bound), so the two passes of
 * fields_validate and the single check of fields_check share all of it.
 */
#include "http/fields.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"
#include "lib/utf8.h"

static enum status invalid(struct req *r, const struct field *f)
{
	enum status st = f->status != ST_OK ? f->status : ST_BAD_REQUEST;
	const char *code = f->code ? f->code : "invalid_request";

	if (f->message != NULL)
		return req_fail(r, st, code, f->message);
	return req_failf(r, st, code, "Field %s is invalid", f->name);
}

static const char *const type_names[FT__MAX] = {
	[FT_STR] = "a string",	[FT_INT] = "an integer", [FT_BOOL] = "a boolean",
	[FT_ENUM] = "a string", [FT_ID] = "a string",	 [FT_SET] = "an array of strings",
};

/* An FT_SET value: each element one of the choices; v->i their bits. */
static enum status set_of(struct req *r, const struct field *f, const struct json *j,
			  struct fval *v)
{
	const struct json *e;
	size_t i;

	v->present = true;
	v->i = 0;
	for (e = j->first; e != NULL; e = e->next) {
		if (e->type != JSON_STRING)
			return invalid(r, f);
		for (i = 0; f->choices != NULL && f->choices[i] != NULL && i < 62; i++)
			if (strlen(f->choices[i]) == e->len &&
			    memcmp(f->choices[i], e->s, e->len) == 0)
				break;
		if (f->choices == NULL || f->choices[i] == NULL || i >= 62)
			return invalid(r, f);
		v->i |= 1LL << i;
	}
	return (long long)j->n < f->min ? invalid(r, f) : ST_OK;
}

/* A value given as text (query, form, path, header), typed. */
static enum status from_text(struct req *r, const struct field *f, const char *s, size_t len,
			     struct fval *v)
{
	char *end;

	v->present = true;
	v->s = s;
	v->len = len;
	switch (f->type) {
	case FT_STR:
	case FT_ENUM:
	case FT_ID:
		return ST_OK; /* resolved with the bounds */
	case FT_SET:	      /* JSON only */
	case FT_INT:
		if (len == 0 || len > 18 || strspn(s, "-0123456789") != len)
			return invalid(r, f);
		errno = 0;
		v->i = strtoll(s, &end, 10);
		return errno != 0 || *end != '\0' ? invalid(r, f) : ST_OK;
	case FT_BOOL:
		if (len == 4 && memcmp(s, "true", 4) == 0)
			v->b = true;
		else if (len == 5 && memcmp(s, "false", 5) == 0)
			v->b = false;
		else
			return invalid(r, f);
		return ST_OK;
	case FT__MAX:
		break;
	}
	return invalid(r, f);
}

/* A value from a JSON body: it must already have the right JSON type. */
static enum status from_json(struct req *r, const struct field *f, const struct json *j,
			     struct fval *v)
{
	if (j->type == JSON_NULL && (f->flags & F_NULL) && !(f->flags & F_REQ)) {
		v->is_null = true;
		return ST_OK;
	}
	switch (f->type) {
	case FT_STR:
	case FT_ENUM:
	case FT_ID:
		if (j->type != JSON_STRING)
			break;
		return from_text(r, f, j->s, j->len, v);
	case FT_INT:
		if (j->type != JSON_NUMBER || json_int(j, &v->i) < 0)
			break;
		v->present = true;
		v->s = j->s;
		v->len = j->len;
		return ST_OK;
	case FT_BOOL:
		if (j->type != JSON_BOOL)
			break;
		v->present = true;
		v->b = j->b;
		return ST_OK;
	case FT_SET:
		if (j->type != JSON_ARRAY)
			break;
		return set_of(r, f, j, v);
	case FT__MAX:
		break;
	}
	return req_failf(r, ST_BAD_REQUEST, "invalid_request", "Field %s must be %s", f->name,
			 type_names[f->type < FT__MAX ? f->type : FT_STR]);
}

/* The path placeholder {name} of r's route, or NULL. */
static const char *path_param(const struct req *r, const char *name)
{
	const char *p = r->route != NULL ? r->route->pattern : NULL;
	size_t nl = strlen(name);
	int i = 0;

	for (; p != NULL && (p = strchr(p, '{')) != NULL && i < REQ_MAX_PARAMS; p++, i++)
		if (strncmp(p + 1, name, nl) == 0 && p[1 + nl] == '}')
			return r->params[i];
	return NULL;
}

/* Find and type the value of row f: ST_OK (v->present tells whether it
 * was there), or an error. */
static enum status take(struct req *r, const struct field *f, struct fval *v)
{
	const struct kv *kv;
	const struct kvs *from;
	const char *s = NULL;
	size_t count;

	memset(v, 0, sizeof(*v));
	if (f->flags & (F_PATH | F_HEADER)) {
		s = (f->flags & F_PATH) ? path_param(r, f->name) : req_header_in(r, f->name);
		return s != NULL ? from_text(r, f, s, strlen(s), v) : ST_OK;
	}
	if (!(f->flags & F_QUERY) && r->json != NULL) {
		const struct json *j = json_get(r->json, f->name);
		return j != NULL ? from_json(r, f, j, v) : ST_OK;
	}
	from = (f->flags & F_QUERY) ? &r->query_kv : &r->form;
	kv = kv_get(from, f->name, &count);
	/* Neither a query nor a provider's form repeats a name (Twilio never
	 * does): a repeat is refused, never settled by picking one. */
	if (kv != NULL && count > 1)
		return req_failf(r, ST_BAD_REQUEST, "invalid_request", "%s %s given more than once",
				 (f->flags & F_QUERY) ? "Parameter" : "Field", f->name);
	return kv != NULL ? from_text(r, f, kv->value, kv->vlen, v) : ST_OK;
}

/* "prefix" then 1..18 digits (or the digits alone with F_BARE): the id,
 * or -1. */
static long long parse_id(const struct field *f, const char *s, size_t len)
{
	size_t pl = f->prefix ? strlen(f->prefix) : 0, i;
	long long id = 0;

	if (pl > 0 && len > pl && memcmp(s, f->prefix, pl) == 0)
		s += pl, len -= pl;
	else if (pl > 0 && !(f->flags & F_BARE))
		return -1;
	if (len == 0 || len > 18)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		id = id * 10 + (s[i] - '0');
	}
	return id;
}

/* Check a present value against the row's bounds; resolve words and ids. */
static enum status bound(struct req *r, const struct field *f, struct fval *v)
{
	size_t i;

	switch (f->type) {
	case FT_STR:
		if (f->min > 0 || f->max > 0) {
			long long cps = (long long)utf8_count(v->s, v->len);
			if (cps < f->min || (f->max > 0 && cps > f->max))
				return invalid(r, f);
		}
		return f->valid != NULL && !f->valid(v->s, v->len) ? invalid(r, f) : ST_OK;
	case FT_INT:
		return v->i < f->min || v->i > f->max ? invalid(r, f) : ST_OK;
	case FT_BOOL:
	case FT_SET: /* checked as it was read */
		return ST_OK;
	case FT_ENUM:
		for (i = 0; f->choices != NULL && f->choices[i] != NULL; i++) {
			if (strlen(f->choices[i]) == v->len &&
			    memcmp(f->choices[i], v->s, v->len) == 0) {
				v->i = (long long)i;
				return ST_OK;
			}
		}
		return invalid(r, f);
	case FT_ID:
		v->i = parse_id(f, v->s, v->len);
		if (v->i < 0 || v->i < f->min || (f->max > 0 && v->i > f->max))
			return invalid(r, f);
		return ST_OK;
	case FT__MAX:
		break;
	}
	return invalid(r, f);
}

static enum status required(struct req *r, const struct field *f, const struct fval *v)
{
	if ((f->flags & F_REQ) && !v->present)
		return req_failf(r, ST_BAD_REQUEST, "invalid_request", "Missing required field: %s",
				 f->name);
	return ST_OK;
}

bool fields_no_controls(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

bool fields_token(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

enum status fields_check(struct req *r, const struct field *f, struct fval *v)
{
	enum status st = take(r, f, v);

	if (st == ST_OK)
		st = required(r, f, v);
	if (st == ST_OK && v->present)
		st = bound(r, f, v);
	return st;
}

enum status fields_validate(struct req *r, const struct field *f, size_t n)
{
	enum status st = ST_OK;
	size_t i;

	r->in = arena_alloc(r->a, (n ? n : 1) * sizeof(struct fval));
	for (i = 0; i < n && st == ST_OK; i++) {
		st = take(r, &f[i], &r->in[i]);
		if (st == ST_OK)
			st = required(r, &f[i], &r->in[i]);
	}
	for (i = 0; i < n && st == ST_OK; i++)
		if (r->in[i].present)
			st = bound(r, &f[i], &r->in[i]);
	return st;
}
