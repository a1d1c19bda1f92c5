/*
 * INI configuration with environment overrides.  See config.h.
 *
 * One table describes every key: section, name, type, where it lives in
 * struct config, its default, and whether it is a secret (secrets accept
 * <key>_file and are masked by config_dump).
 */
#include "lib/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

enum ctype { C_STR, C_LONG, C_BOOL, C_OCTAL };

struct ckey {
	const char *section;
	const char *name;
	enum ctype type;
	bool secret;
	size_t off;
	const char *def;
	long min, max; /* C_LONG bounds */
};

#define O(f) offsetof(struct config, f)

static const struct ckey keys[] = {
	{"server", "workers", C_LONG, false, O(server.workers), "4", 1, 256},
	{"server", "ingest_workers", C_LONG, false, O(server.ingest_workers), "0", 0, 256},
	{"server", "api_workers", C_LONG, false, O(server.api_workers), "0", 0, 256},
	{"server", "ingest_socket", C_STR, false, O(server.ingest_socket), "/run/ibiki/ingest.sock",
	 0, 0},
	{"server", "api_socket", C_STR, false, O(server.api_socket), "/run/ibiki/api.sock", 0, 0},
	{"server", "socket_mode", C_OCTAL, false, O(server.socket_mode), "0660", 0, 0777},
	{"server", "socket_group", C_STR, false, O(server.socket_group), "", 0, 0},
	{"server", "public_base_url", C_STR, false, O(server.public_base_url),
	 "https://127.0.0.1:8443", 0, 0},
	{"server", "log_file", C_STR, false, O(server.log_file), "", 0, 0},
	{"server", "spool_dir", C_STR, false, O(server.spool_dir), "/var/spool/ibiki", 0, 0},
	{"database", "host", C_STR, false, O(database.host), "localhost", 0, 0},
	{"database", "port", C_LONG, false, O(database.port), "3306", 0, 65535},
	{"database", "socket", C_STR, false, O(database.socket), "", 0, 0},
	{"database", "hosts", C_STR, false, O(database.hosts), "", 0, 0},
	{"database", "user", C_STR, false, O(database.user), "ibiki", 0, 0},
	{"database", "password", C_STR, true, O(database.password), "", 0, 0},
	{"database", "name", C_STR, false, O(database.name), "ibiki", 0, 0},
	{"database", "timeout_s", C_LONG, false, O(database.timeout_s), "5", 1, 60},
	{"auth", "jwt_secret", C_STR, true, O(auth.jwt_secret), "", 0, 0},
	{"auth", "token_ttl_s", C_LONG, false, O(auth.token_ttl_s), "3600", 60, 2592000},
	{"twilio", "account_sid", C_STR, false, O(twilio.account_sid), "", 0, 0},
	{"twilio", "auth_token", C_STR, true, O(twilio.auth_token), "", 0, 0},
	{"twilio", "api_base", C_STR, false, O(twilio.api_base), "https://api.twilio.com", 0, 0},
	{"twilio", "from_number", C_STR, false, O(twilio.from_number), "", 0, 0},
	{"twilio", "validate_signature", C_BOOL, false, O(twilio.validate_signature), "true", 0, 0},
	{"twilio", "timeout_s", C_LONG, false, O(twilio.timeout_s), "10", 1, 120},
	{"extreme", "api_base", C_STR, false, O(extreme.api_base), "", 0, 0},
	{"extreme", "api_key", C_STR, true, O(extreme.api_key), "", 0, 0},
	{"extreme", "inbound_token", C_STR, true, O(extreme.inbound_token), "", 0, 0},
	{"extreme", "timeout_s", C_LONG, false, O(extreme.timeout_s), "10", 1, 120},
	{"push", "max_attempts", C_LONG, false, O(push.max_attempts), "3", 1, 100},
	{"push", "backoff_base_s", C_LONG, false, O(push.backoff_base_s), "10", 0, 86400},
	{"push", "backoff_max_s", C_LONG, false, O(push.backoff_max_s), "3600", 0, 604800},
	{"push", "timeout_s", C_LONG, false, O(push.timeout_s), "15", 1, 300},
	{"push", "connect_timeout_s", C_LONG, false, O(push.connect_timeout_s), "5", 1, 60},
	{"push", "max_in_flight", C_LONG, false, O(push.max_in_flight), "512", 1, 4096},
	{"push", "max_per_host", C_LONG, false, O(push.max_per_host), "8", 1, 1024},
	{"push", "allow_loopback", C_BOOL, false, O(push.allow_loopback), "false", 0, 0},
	{"push", "ca_file", C_STR, false, O(push.ca_file), "", 0, 0},
	{"push", "metrics_file", C_STR, false, O(push.metrics_file), "/var/lib/ibiki/dispatch.prom",
	 0, 0},
	{"push", "lease_s", C_LONG, false, O(push.lease_s), "60", 5, 3600},
	{"upstream", "sync_wait_s", C_LONG, false, O(upstream.sync_wait_s), "10", 0, 120},
	{"upstream", "stale_after_s", C_LONG, false, O(upstream.stale_after_s), "300", 5, 86400},
	{"upstream", "default_mps", C_LONG, false, O(upstream.default_mps), "0", 0, 100000},
	{"retention", "messages_days", C_LONG, false, O(retention.messages_days), "0", 0, 36500},
	{"retention", "history_days", C_LONG, false, O(retention.history_days), "0", 0, 36500},
	{"retention", "attempts_days", C_LONG, false, O(retention.attempts_days), "30", 0, 36500},
	{"retention", "idempotency_hours", C_LONG, false, O(retention.idempotency_hours), "24", 1,
	 8760},
	{"retention", "batch", C_LONG, false, O(retention.batch), "1000", 10, 100000},
	{"upstream", "reconcile_window_s", C_LONG, false, O(upstream.reconcile_window_s), "60", 1,
	 86400},
	{"upstream", "max_per_host", C_LONG, false, O(upstream.max_per_host), "256", 1, 4096},
	{"optout", "stop_reply", C_STR, false, O(optout.stop_reply),
	 "You are unsubscribed and will get no more messages. Reply START to subscribe again.", 0,
	 0},
	{"optout", "start_reply", C_STR, false, O(optout.start_reply),
	 "You are subscribed again. Reply STOP to unsubscribe.", 0, 0},
	{"optout", "help_reply", C_STR, false, O(optout.help_reply), "Reply STOP to unsubscribe.",
	 0, 0},
	{"optout", "reply_via_twilio", C_BOOL, false, O(optout.reply_via_twilio), "false", 0, 0},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static void fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL) {
		fputs("ibiki: out of memory\n", stderr);
		abort();
	}
	return p;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* First line of a file, for <key>_file. */
static int read_secret_file(const char *path, char **out, char *err, size_t errlen)
{
	char line[4096];
	FILE *f = fopen(path, "re");
	size_t n;

	if (f == NULL) {
		fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	*out = xstrdup(line);
	return 0;
}

static int set_value(struct config *c, const struct ckey *k, const char *v, char *err,
		     size_t errlen)
{
	char *base = (char *)c;

	switch (k->type) {
	case C_STR: {
		char **dst = (char **)(base + k->off);
		free(*dst);
		*dst = xstrdup(v);
		return 0;
	}
	case C_LONG:
	case C_OCTAL: {
		char *end;
		long x;
		errno = 0;
		x = strtol(v, &end, k->type == C_OCTAL ? 8 : 10);
		if (errno != 0 || end == v || *end != '\0' || x < k->min || x > k->max) {
			fail(err, errlen, "[%s] %s: expected an integer in %ld..%ld, got \"%s\"",
			     k->section, k->name, k->min, k->max, v);
			return -1;
		}
		*(long *)(base + k->off) = x;
		return 0;
	}
	case C_BOOL: {
		bool *dst = (bool *)(base + k->off);
		if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "1"))
			*dst = true;
		else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off") ||
			 !strcmp(v, "0"))
			*dst = false;
		else {
			fail(err, errlen, "[%s] %s: expected true or false, got \"%s\"", k->section,
			     k->name, v);
			return -1;
		}
		return 0;
	}
	}
	return -1;
}

static const struct ckey *find_key(const char *section, const char *name, bool *is_file)
{
	size_t i, nl = strlen(name);

	*is_file = false;
	for (i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
		if (keys[i].secret && nl > 5 && strcmp(name + nl - 5, "_file") == 0 &&
		    strlen(keys[i].name) == nl - 5 && strncmp(keys[i].name, name, nl - 5) == 0) {
			*is_file = true;
			return &keys[i];
		}
	}
	return NULL;
}

static int apply(struct config *c, const struct ckey *k, bool is_file, const char *v, char *err,
		 size_t errlen)
{
	char *secret = NULL;
	int r;

	if (!is_file)
		return set_value(c, k, v, err, errlen);
	if (read_secret_file(v, &secret, err, errlen) < 0)
		return -1;
	r = set_value(c, k, secret, err, errlen);
	free(secret);
	return r;
}

void config_defaults(struct config *c)
{
	size_t i;
	char err[8];

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NKEYS; i++)
		set_value(c, &keys[i], keys[i].def, err, sizeof(err));
}

/* $IBIKI_CONF, else the compiled-in default. */
static const char *default_path(void)
{
	const char *e = getenv("IBIKI_CONF");

	return (e && *e) ? e : SYSCONFDIR "/ibiki/ibiki.conf";
}

static int load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char line[4096], section[64] = "";
	int lineno = 0, ret = -1;

	if (f == NULL) {
		fail(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s, *eq, *name, *val;
		const struct ckey *k;
		bool is_file;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fail(err, errlen, "%s:%d: line too long", path, lineno);
			goto out;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (e == NULL || e[1] != '\0' || (size_t)(e - s - 1) >= sizeof(section)) {
				fail(err, errlen, "%s:%d: bad section header", path, lineno);
				goto out;
			}
			*e = '\0';
			snprintf(section, sizeof(section), "%s", trim(s + 1));
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL) {
			fail(err, errlen, "%s:%d: expected key = value", path, lineno);
			goto out;
		}
		*eq = '\0';
		name = trim(s);
		val = trim(eq + 1);
		if (strlen(val) >= 2 && val[0] == '"' && val[strlen(val) - 1] == '"') {
			val[strlen(val) - 1] = '\0';
			val++;
		}
		k = find_key(section, name, &is_file);
		if (k == NULL) {
			fail(err, errlen, "%s:%d: unknown key \"%s\" in [%s]", path, lineno, name,
			     section);
			goto out;
		}
		if (apply(c, k, is_file, val, err, errlen) < 0)
			goto out;
	}
	ret = 0;
out:
	fclose(f);
	return ret;
}

static int load_env(struct config *c, char *err, size_t errlen)
{
	size_t i, j;
	char var[128];

	for (i = 0; i < NKEYS; i++) {
		const struct ckey *k = &keys[i];
		const char *v;
		int n;

		for (int file = 0; file <= (k->secret ? 1 : 0); file++) {
			n = snprintf(var, sizeof(var), "IBIKI_%s_%s%s", k->section, k->name,
				     file ? "_file" : "");
			for (j = 0; j < (size_t)n; j++)
				var[j] = (char)toupper((unsigned char)var[j]);
			v = getenv(var);
			if (v == NULL)
				continue;
			if (apply(c, k, file == 1, v, err, errlen) < 0) {
				size_t l = strlen(err);
				snprintf(err + l, errlen - l, " (from %s)", var);
				return -1;
			}
		}
	}
	return 0;
}

static int validate(struct config *c, char *err, size_t errlen)
{
	size_t n = strlen(c->server.public_base_url);

	while (n > 0 && c->server.public_base_url[n - 1] == '/')
		c->server.public_base_url[--n] = '\0';
	if (strncmp(c->server.public_base_url, "https://", 8) != 0 &&
	    strncmp(c->server.public_base_url, "http://", 7) != 0) {
		fail(err, errlen, "[server] public_base_url must start with https:// (or http://)");
		return -1;
	}
	if (c->push.lease_s < c->push.timeout_s + c->push.connect_timeout_s + 2) {
		fail(err, errlen,
		     "[push] lease_s must exceed timeout_s + connect_timeout_s: a delivery must end"
		     " before its lease does");
		return -1;
	}
	if (c->push.lease_s < c->twilio.timeout_s + 2) {
		fail(err, errlen,
		     "[push] lease_s must exceed [twilio] timeout_s: an acknowledgement SMS must "
		     "end"
		     " before its lease does");
		return -1;
	}
	if (c->server.ingest_workers == 0)
		c->server.ingest_workers = c->server.workers;
	if (c->server.api_workers == 0)
		c->server.api_workers = c->server.workers;
	if (strcmp(c->server.ingest_socket, c->server.api_socket) == 0) {
		fail(err, errlen, "[server] ingest_socket and api_socket must differ");
		return -1;
	}
	c->auth.jwt_secret_len = strlen(c->auth.jwt_secret);
	if (c->auth.jwt_secret_len < 32) {
		fail(err, errlen,
		     "[auth] jwt_secret must be at least 32 bytes (256 bits); set it or "
		     "jwt_secret_file");
		return -1;
	}
	return 0;
}

int config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	config_defaults(c);
	if (path == NULL)
		path = default_path();
	if (load_file(c, path, err, errlen) < 0 || load_env(c, err, errlen) < 0 ||
	    validate(c, err, errlen) < 0) {
		config_free(c);
		return -1;
	}
	return 0;
}

void config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		if (keys[i].type == C_STR) {
			char **p = (char **)((char *)c + keys[i].off);
			free(*p);
			*p = NULL;
		}
	}
}

void config_dump(const struct config *c)
{
	size_t i;
	const char *last = "";

	for (i = 0; i < NKEYS; i++) {
		const struct ckey *k = &keys[i];
		const char *base = (const char *)c;

		if (strcmp(last, k->section) != 0) {
			printf("%s[%s]\n", i ? "\n" : "", k->section);
			last = k->section;
		}
		switch (k->type) {
		case C_STR: {
			const char *v = *(char *const *)(base + k->off);
			printf("%s = %s\n", k->name, k->secret ? (*v ? "(set)" : "(unset)") : v);
			break;
		}
		case C_LONG:
			printf("%s = %ld\n", k->name, *(const long *)(base + k->off));
			break;
		case C_OCTAL:
			printf("%s = %04lo\n", k->name, *(const long *)(base + k->off));
			break;
		case C_BOOL:
			printf("%s = %s\n", k->name,
			       *(const bool *)(base + k->off) ? "true" : "false");
			break;
		}
	}
}
