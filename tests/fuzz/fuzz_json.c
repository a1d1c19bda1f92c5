/* libFuzzer target: the strict JSON reader (json.c) on arbitrary bytes,
 * and the writer (jsonw.c) re-serialising what it accepted. */
#include <stdint.h>
#include <stdlib.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/json.h"
#include "lib/jsonw.h"

static void write_value(struct jsonw *w, const struct json *v)
{
	const struct json *c;

	switch (v->type) {
	case JSON_OBJECT:
		jsonw_obj(w);
		for (c = v->first; c; c = c->next) {
			jsonw_key(w, c->key);
			write_value(w, c);
		}
		jsonw_obj_end(w);
		break;
	case JSON_ARRAY:
		jsonw_arr(w);
		for (c = v->first; c; c = c->next)
			write_value(w, c);
		jsonw_arr_end(w);
		break;
	case JSON_STRING:
		jsonw_strn(w, v->s, v->len);
		break;
	case JSON_NUMBER:
		jsonw_raw(w, v->s, v->len);
		break;
	case JSON_BOOL:
		jsonw_bool(w, v->b);
		break;
	default:
		jsonw_null(w);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int init;
	struct json *v;
	const char *err;
	struct buf b;
	struct jsonw w;

	if (!init) {
		arena_init(&a, 1 << 16, 1 << 28);
		init = 1;
	}
	if (json_parse(&a, (const char *)data, size, &v, &err) == 0) {
		buf_init(&b, 1 << 24);
		jsonw_init(&w, &b);
		write_value(&w, v);
		/* What was accepted re-parses. */
		if (!jsonw_failed(&w) && json_parse(&a, b.p, b.len, &v, &err) != 0)
			abort();
		buf_free(&b);
	}
	arena_reset(&a);
	return 0;
}
