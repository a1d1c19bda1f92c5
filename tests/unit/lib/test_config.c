/*
 * config.c: the INI file, environment overrides, <key>_file secrets and
 * the refusal of unknown keys and bad values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/config.h"
#include "suites.h"
#include "test.h"

static char dir[] = "/tmp/ibiki-unit-config.XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static int setup(void)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char base[] =
	"[server]\nworkers = 3\npublic_base_url = https://sms.example.com/\n"
	"socket_mode = 0640\n[auth]\njwt_secret = 0123456789abcdef0123456789abcdef\n";

static void reads_file(void)
{
	struct config c;
	char err[256];
	const char *p = write_file("a.conf", base);

	CU_ASSERT_EQUAL_FATAL(config_load(&c, p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.server.workers, 3);
	CU_ASSERT_EQUAL(c.server.socket_mode, 0640);
	ASSERT_STR(c.server.public_base_url, "https://sms.example.com"); /* slash trimmed */
	CU_ASSERT_EQUAL(c.push.max_attempts, 3);			 /* default */
	config_free(&c);
}

static void environment_overrides_file(void)
{
	struct config c;
	char err[256];
	const char *p = write_file("b.conf", base);

	setenv("IBIKI_SERVER_WORKERS", "7", 1);
	setenv("IBIKI_TWILIO_API_BASE", "http://127.0.0.1:9", 1);
	CU_ASSERT_EQUAL_FATAL(config_load(&c, p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.server.workers, 7);
	ASSERT_STR(c.twilio.api_base, "http://127.0.0.1:9");
	unsetenv("IBIKI_SERVER_WORKERS");
	unsetenv("IBIKI_TWILIO_API_BASE");
	config_free(&c);
}

static void secret_from_file(void)
{
	struct config c;
	char err[256], text[512];
	const char *s = write_file("secret", "abcdefghijklmnopqrstuvwxyz0123456789\n");

	snprintf(text, sizeof(text), "[auth]\njwt_secret_file = %s\n", s);
	CU_ASSERT_EQUAL_FATAL(config_load(&c, write_file("c.conf", text), err, sizeof(err)), 0);
	ASSERT_STR(c.auth.jwt_secret, "abcdefghijklmnopqrstuvwxyz0123456789");
	CU_ASSERT_EQUAL(c.auth.jwt_secret_len, 36);
	config_free(&c);
}

static void unknown_key_is_an_error(void)
{
	struct config c;
	char err[256];
	const char *p = write_file("d.conf", "[server]\nwrokers = 3\n");

	CU_ASSERT_EQUAL(config_load(&c, p, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "wrokers"));
}

static void bad_integer_is_an_error(void)
{
	struct config c;
	char err[256];
	const char *p = write_file("e.conf", "[server]\nworkers = many\n");

	CU_ASSERT_EQUAL(config_load(&c, p, err, sizeof(err)), -1);
	p = write_file("f.conf", "[server]\nworkers = 0\n");
	CU_ASSERT_EQUAL(config_load(&c, p, err, sizeof(err)), -1);
}

static void short_jwt_secret_is_refused(void)
{
	struct config c;
	char err[256];
	const char *p = write_file("g.conf", "[auth]\njwt_secret = short\n");

	CU_ASSERT_EQUAL(config_load(&c, p, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "256 bits"));
}

static const struct test_case tests[] = {
	{"reads values, keeps defaults, trims the base URL", reads_file},
	{"IBIKI_<SECTION>_<KEY> overrides the file", environment_overrides_file},
	{"<key>_file reads a secret's first line", secret_from_file},
	{"an unknown key is an error naming it", unknown_key_is_an_error},
	{"a bad or out-of-range integer is an error", bad_integer_is_an_error},
	{"a JWT secret under 256 bits is refused", short_jwt_secret_is_refused},
	{NULL, NULL},
};

void suite_config(void)
{
	CU_pSuite s = CU_add_suite("config", setup, teardown);
	const struct test_case *t;

	for (t = tests; s != NULL && t->name != NULL; t++)
		CU_add_test(s, t->name, t->fn);
}
