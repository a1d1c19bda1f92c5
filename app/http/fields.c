/*
 * Field-table validation.  See fields.h.
 */
#include "http/fields.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"

static enum status invalid(struct req *r, const struct field *f)
{
	if (f->message != NULL)
		return req_fail(r, ST_BAD_REQUEST, f->code ? f->code : "invalid_request",
				f->message);
	return req_failf(r, ST_BAD_REQUEST, f->code ? f->code : "invalid_request",
			 "Field %s is invalid", f->name);
}

static enum status check_str(struct req *r, const struct field *f, struct fval *v)
{
	size_t cps;

	if (f->min > 0 || f->max > 0) {
		cps = utf8_count(v->s, v->len);
		if ((long long)cps < f->min || (f->max > 0 && (long long)cps > f->max))
			return invalid(r, f);
	}
	if (f->valid != NULL && !f->valid(v->s, v->len))
		return invalid(r, f);
	return ST_OK;
}

static enum status check_int(struct req *r, const struct field *f, struct fval *v)
{
	if (v->i < f->min || v->i > f->max)
		return invalid(r, f);
	return ST_OK;
}

/* A value from the query string: text, typed here. */
static enum status from_text(struct req *r, const struct field *f, const struct kv *kv,
			     struct fval *v)
{
	v->present = true;
	v->s = kv->value;
	v->len = kv->vlen;
	switch (f->type) {
	case FT_STR:
		return ST_OK;
	case FT_INT: {
		char *end;
		if (kv->vlen == 0 || kv->vlen > 18 || strspn(kv->value, "-0123456789") != kv->vlen)
			return invalid(r, f);
		errno = 0;
		v->i = strtoll(kv->value, &end, 10);
		if (errno != 0 || *end != '\0')
			return invalid(r, f);
		return ST_OK;
	}
	case FT_BOOL:
		if (strcmp(kv->value, "true") == 0)
			v->b = true;
		else if (strcmp(kv->value, "false") == 0)
			v->b = false;
		else
			return invalid(r, f);
		return ST_OK;
	case FT__MAX:
		break;
	}
	return invalid(r, f);
}

static const char *const type_names[FT__MAX] = {
	[FT_STR] = "a string", [FT_INT] = "an integer", [FT_BOOL] = "a boolean"};

/* A value from a JSON body: must already have the right JSON type. */
static enum status from_json(struct req *r, const struct field *f, const struct json *j,
			     struct fval *v)
{
	if (j->type == JSON_NULL && (f->flags & F_NULL) && !(f->flags & F_REQ)) {
		v->is_null = true;
		return ST_OK;
	}
	switch (f->type) {
	case FT_STR:
		if (j->type != JSON_STRING)
			break;
		v->present = true;
		v->s = j->s;
		v->len = j->len;
		return ST_OK;
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
	case FT__MAX:
		break;
	}
	return req_failf(r, ST_BAD_REQUEST, "invalid_request", "Field %s must be %s", f->name,
			 type_names[f->type < FT__MAX ? f->type : FT_STR]);
}

/*
 * Two passes, so that the errors come in the order clients expect: first
 * every field's presence and type ("Missing required field"), then each
 * field's bounds and predicate, in table order.
 */
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

enum status fields_validate(struct req *r, const struct field *f, size_t n)
{
	size_t i;

	r->in = arena_alloc(r->a, (n ? n : 1) * sizeof(struct fval));
	for (i = 0; i < n; i++) {
		struct fval *v = &r->in[i];
		enum status st = ST_OK;

		if (f[i].flags & F_QUERY) {
			size_t count;
			const struct kv *kv = kv_get(&r->query_kv, f[i].name, &count);
			if (count > 1)
				return req_failf(r, ST_BAD_REQUEST, "invalid_request",
						 "Parameter %s given more than once", f[i].name);
			if (kv != NULL)
				st = from_text(r, &f[i], kv, v);
		} else if (r->json != NULL) {
			const struct json *j = json_get(r->json, f[i].name);
			if (j != NULL)
				st = from_json(r, &f[i], j, v);
		} else {
			size_t count;
			const struct kv *kv = kv_get(&r->form, f[i].name, &count);
			if (kv != NULL)
				st = from_text(r, &f[i], kv, v);
		}
		if (st != ST_OK)
			return st;
		if ((f[i].flags & F_REQ) && !v->present)
			return req_failf(r, ST_BAD_REQUEST, "invalid_request",
					 "Missing required field: %s", f[i].name);
	}
	for (i = 0; i < n; i++) {
		enum status st = ST_OK;

		if (!r->in[i].present)
			continue;
		if (f[i].type == FT_STR)
			st = check_str(r, &f[i], &r->in[i]);
		else if (f[i].type == FT_INT)
			st = check_int(r, &f[i], &r->in[i]);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}
