/*
 * The fake request fixture.  See fake.h.
 */
#include "fake.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/json.h"
#include "lib/log.h"
#include "test.h"

struct config fake_cfg;
struct db *fake_db;
struct arena fake_arena;
static struct buf out;

static void set(char **field, const char *value)
{
	free(*field);
	*field = strdup(value);
}

int fake_setup(void)
{
	log_open("/dev/null");
	config_defaults(&fake_cfg);
	set(&fake_cfg.auth.jwt_secret, FAKE_JWT_SECRET);
	fake_cfg.auth.jwt_secret_len = strlen(FAKE_JWT_SECRET);
	set(&fake_cfg.database.socket, "/nonexistent/ibiki-unit.sock");
	set(&fake_cfg.twilio.account_sid, FAKE_TWILIO_SID);
	set(&fake_cfg.twilio.auth_token, FAKE_TWILIO_TOKEN);
	set(&fake_cfg.extreme.inbound_token, FAKE_EXTREME_TOKEN);
	set(&fake_cfg.server.public_base_url, FAKE_PUBLIC_BASE);
	fake_db = db_open(&fake_cfg);
	arena_init(&fake_arena, 64 * 1024, 1 << 24);
	buf_init(&out, 1 << 20);
	return fake_db == NULL ? -1 : 0;
}

int fake_teardown(void)
{
	db_close(fake_db);
	arena_free(&fake_arena);
	buf_free(&out);
	config_free(&fake_cfg);
	log_open(NULL);
	return 0;
}

struct req *fake_req(enum method m, const char *path, const char *ctype, const char *body)
{
	struct req *r;

	arena_reset(&fake_arena);
	buf_reset(&out, 0);
	r = arena_alloc(&fake_arena, sizeof(*r));
	r->a = &fake_arena;
	r->cfg = &fake_cfg;
	r->db = fake_db;
	r->out = &out;
	r->method = m;
	r->path = path;
	r->raw_uri = path;
	r->query = "";
	r->content_type = ctype;
	r->body = body;
	r->body_len = body ? strlen(body) : 0;
	r->content_length = (long long)r->body_len;
	return r;
}

void fake_assert_error(struct req *r, const char *code)
{
	struct json *v;
	const char *err;

	CU_ASSERT_EQUAL_FATAL(json_parse(&fake_arena, r->out->p, r->out->len, &v, &err), 0);
	CU_ASSERT_EQUAL_FATAL(v->type, JSON_OBJECT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(json_get(v, "error"));
	CU_ASSERT_PTR_NOT_NULL(json_get(v, "message"));
	ASSERT_STR(json_get(v, "error")->s, code);
}

bool fake_has_header(const struct req *r, const char *prefix)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++)
		if (strncmp(r->headers[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}
