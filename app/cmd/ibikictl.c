/*
 * ibikictl: the operator's command line.  Migrations, the first admin,
 * accounts, clients, routes, API keys and tokens, retention (purge) and
 * one person's erasure, against the database named in the config.  Secrets are read from standard
 * input, never from the command line (which other users can see in ps).
 *
 * Exit status: 0 success, 1 failure, 2 usage, 3 already exists.
 */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/arena.h"
#include "http/auth.h"
#include "lib/config.h"
#include "lib/crypto.h"
#include "db/db.h"
#include "db/db_accounts.h"
#include "db/db_api_keys.h"
#include "db/db_clients.h"
#include "db/db_client_routes.h"
#include "lib/log.h"
#include "db/db_migrate.h"
#include "db/db_retention.h"
#include "svc/sms.h"
#include "lib/timeutil.h"

#ifndef SQLDIR
#define SQLDIR "/usr/local/share/ibiki/sql"
#endif

#define EXIT_USAGE  2
#define EXIT_EXISTS 3

struct ctl {
	struct config cfg;
	struct db *db;
	struct arena a;
};

struct command {
	const char *name; /* "admin add" */
	const char *args; /* usage of the arguments */
	const char *help;
	int nargs_min, nargs_max;
	int (*fn)(struct ctl *c, int argc, char **argv);
};

static const struct command commands[];

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: ibikictl [-c FILE] COMMAND [ARGS]\n\n"
	      "  -c FILE   configuration file (default: $IBIKI_CONF, else " SYSCONFDIR
	      "/ibiki/ibiki.conf)\n\n"
	      "commands:\n",
	      f);
	for (i = 0; commands[i].name != NULL; i++)
		fprintf(f, "  %-16s %-28s %s\n", commands[i].name, commands[i].args,
			commands[i].help);
	fputs("\nCLIENT is a client id or name.  Passwords are read from standard input.\n"
	      "`ibikictl COMMAND --help` describes one command.\n",
	      f);
}

static int fail_db(const char *what, enum db_rc rc)
{
	fprintf(stderr, "ibikictl: %s: %s\n", what, db_strerror(rc));
	return 1;
}

/* A password from stdin: one line, newline stripped. */
static int read_password(char *out, size_t n)
{
	size_t len;

	if (isatty(0))
		fputs("password: ", stderr);
	if (fgets(out, (int)n, stdin) == NULL) {
		fputs("ibikictl: no password on standard input\n", stderr);
		return -1;
	}
	len = strlen(out);
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	if (len < 12) {
		fputs("ibikictl: password must be at least 12 characters\n", stderr);
		return -1;
	}
	return 0;
}

static int find_client(struct ctl *c, const char *s, struct client *out)
{
	char *end;
	long long id = strtoll(s, &end, 10);
	enum db_rc rc;

	if (*s != '\0' && *end == '\0' && id > 0)
		rc = db_clients_get(c->db, &c->a, id, out);
	else
		rc = db_clients_get_by_name(c->db, &c->a, s, out);
	if (rc == DB_NOTFOUND) {
		fprintf(stderr, "ibikictl: no client %s\n", s);
		return -1;
	}
	if (rc != DB_OK) {
		fail_db("client lookup", rc);
		return -1;
	}
	return 0;
}

/* A migration may rewrite a large table: [database] timeout_s (seconds,
 * sized for requests) would cut it off. */
#define MIGRATE_TIMEOUT_S 3600

static int cmd_migrate(struct ctl *c, int argc, char **argv)
{
	const char *dir = getenv("IBIKI_SQL_DIR");
	char err[512];
	int n;

	if (argc == 2 && strcmp(argv[0], "--sql-dir") == 0)
		dir = argv[1];
	else if (argc != 0)
		return EXIT_USAGE;
	if (dir == NULL || *dir == '\0')
		dir = SQLDIR;
	n = db_migrate_run(c->db, dir, stdout, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "ibikictl: migrate: %s\n", err);
		return 1;
	}
	printf("%d migration%s applied\n", n, n == 1 ? "" : "s");
	return 0;
}

static int add_account(struct ctl *c, const char *name, const char *role, long long client_id)
{
	char pw[1100], hash[CRYPTO_PASSWORD_HASH_MAX];
	long long id;
	enum db_rc rc;

	if (read_password(pw, sizeof(pw)) < 0)
		return 1;
	if (crypto_password_hash(pw, strlen(pw), hash) < 0)
		return 1;
	rc = db_accounts_insert(c->db, &c->a, name, hash, role, client_id, NULL, &id);
	if (rc == DB_DUP) {
		fprintf(stderr, "ibikictl: account %s already exists\n", name);
		return EXIT_EXISTS;
	}
	if (rc != DB_OK)
		return fail_db("account insert", rc);
	printf("%lld\n", id);
	return 0;
}

static int cmd_admin_add(struct ctl *c, int argc, char **argv)
{
	(void)argc;
	return add_account(c, argv[0], "admin", 0);
}

static int cmd_operator_add(struct ctl *c, int argc, char **argv)
{
	struct client cl;

	(void)argc;
	if (find_client(c, argv[1], &cl) < 0)
		return 1;
	return add_account(c, argv[0], "operator", cl.id);
}

static int cmd_passwd(struct ctl *c, int argc, char **argv)
{
	char pw[1100], hash[CRYPTO_PASSWORD_HASH_MAX];
	enum db_rc rc;

	(void)argc;
	if (read_password(pw, sizeof(pw)) < 0 || crypto_password_hash(pw, strlen(pw), hash) < 0)
		return 1;
	rc = db_accounts_set_password(c->db, &c->a, argv[0], hash);
	if (rc == DB_NOTFOUND) {
		fprintf(stderr, "ibikictl: no account %s\n", argv[0]);
		return 1;
	}
	return rc == DB_OK ? 0 : fail_db("set password", rc);
}

static int cmd_client_add(struct ctl *c, int argc, char **argv)
{
	long long id;
	enum db_rc rc;

	(void)argc;
	rc = db_clients_insert(c->db, &c->a, argv[0], strlen(argv[0]), &id);
	if (rc == DB_DUP) {
		fprintf(stderr, "ibikictl: client %s already exists\n", argv[0]);
		return EXIT_EXISTS;
	}
	if (rc != DB_OK)
		return fail_db("client insert", rc);
	printf("%lld\n", id);
	return 0;
}

static int cmd_client_list(struct ctl *c, int argc, char **argv)
{
	struct client *cs;
	size_t i, n;
	enum db_rc rc = db_clients_list(c->db, &c->a, &cs, &n);

	(void)argc;
	(void)argv;
	if (rc != DB_OK)
		return fail_db("client list", rc);
	for (i = 0; i < n; i++)
		printf("%lld\t%s\t%s\t%s\n", cs[i].id, cs[i].name, cs[i].status, cs[i].mode);
	return 0;
}

static int parse_num(const char *s, long long max, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return (errno == 0 && *s && *end == '\0' && *out >= 0 && *out <= max) ? 0 : -1;
}

static int cmd_route_add(struct ctl *c, int argc, char **argv)
{
	struct client cl;
	long long id, modem = -1, port = -1;
	const char *number = NULL;
	enum db_rc rc;

	if (find_client(c, argv[0], &cl) < 0)
		return 1;
	if (strcmp(argv[1], "twilio") == 0 && argc == 3) {
		number = argv[2];
	} else if (strcmp(argv[1], "extreme") == 0 && (argc == 4 || argc == 5)) {
		if (parse_num(argv[2], 9999, &modem) < 0 || parse_num(argv[3], 9999, &port) < 0) {
			fputs("ibikictl: usemodem and port must be integers 0..9999\n", stderr);
			return 1;
		}
		number = argc == 5 ? argv[4] : NULL;
	} else {
		return EXIT_USAGE;
	}
	if (number != NULL && !sms_e164(number, strlen(number))) {
		fputs("ibikictl: number must be E.164 (+1234567890)\n", stderr);
		return 1;
	}
	rc = db_client_routes_insert(c->db, &c->a, cl.id, argv[1], number, modem, port, -1, &id);
	if (rc == DB_DUP) {
		fputs("ibikictl: that number or usemodem/port is already routed\n", stderr);
		return EXIT_EXISTS;
	}
	if (rc != DB_OK)
		return fail_db("route insert", rc);
	printf("%lld\n", id);
	return 0;
}

static int cmd_key_issue(struct ctl *c, int argc, char **argv)
{
	char key[AUTH_APIKEY_LEN + 1], prefix[AUTH_APIKEY_SHOWN_PREFIX + 1];
	unsigned char hash[32];
	struct client cl;
	long long id;
	enum db_rc rc;
	const char *label = argc > 1 ? argv[1] : NULL;

	if (find_client(c, argv[0], &cl) < 0)
		return 1;
	auth_new_api_key(key, prefix, hash);
	rc = db_api_keys_insert(c->db, &c->a, cl.id, hash, prefix, label, label ? strlen(label) : 0,
				&id);
	if (rc != DB_OK)
		return fail_db("key insert", rc);
	printf("%s\n", key);
	fprintf(stderr, "key %lld for client %lld (%s); it is not shown again\n", id, cl.id,
		cl.name);
	return 0;
}

static int cmd_key_revoke(struct ctl *c, int argc, char **argv)
{
	struct client cl;
	long long kid;
	enum db_rc rc;

	(void)argc;
	if (find_client(c, argv[0], &cl) < 0)
		return 1;
	if (parse_num(argv[1], 1LL << 53, &kid) < 0)
		return EXIT_USAGE;
	rc = db_api_keys_revoke(c->db, &c->a, cl.id, kid);
	if (rc == DB_NOTFOUND) {
		fputs("ibikictl: no such active key for that client\n", stderr);
		return 1;
	}
	return rc == DB_OK ? 0 : fail_db("key revoke", rc);
}

static int cmd_token(struct ctl *c, int argc, char **argv)
{
	struct account acc;
	char token[AUTH_TOKEN_MAX];
	int64_t exp;
	enum db_rc rc;

	(void)argc;
	rc = db_accounts_get_by_username(c->db, &c->a, argv[0], &acc);
	if (rc == DB_NOTFOUND) {
		fprintf(stderr, "ibikictl: no account %s\n", argv[0]);
		return 1;
	}
	if (rc != DB_OK)
		return fail_db("account lookup", rc);
	if (auth_issue_token(&c->cfg, &acc, timeutil_now_s(), token, sizeof(token), &exp) < 0)
		return 1;
	printf("%s\n", token);
	return 0;
}

/* Every purge, batch after batch until none is left: [retention]. */
static int cmd_purge(struct ctl *c, int argc, char **argv)
{
	const struct config *cfg = &c->cfg;
	const long long day = 86400;
	const struct {
		enum purge_what what;
		long long age_s; /* 0: kept */
	} plan[] = {
		{PURGE_INCOMING, cfg->retention.messages_days * day},
		{PURGE_OUTGOING, cfg->retention.messages_days * day},
		{PURGE_OUTBOX, cfg->retention.attempts_days * day},
		{PURGE_ATTEMPTS, cfg->retention.attempts_days * day},
		{PURGE_HISTORY, cfg->retention.history_days * day},
		{PURGE_EVENTS, cfg->retention.history_days * day},
		{PURGE_IDEM, cfg->retention.idempotency_hours * 3600},
		/* Read for one day (sql/008); not a setting. */
		{PURGE_HEALTH, 2 * day},
	};
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < sizeof(plan) / sizeof(plan[0]); i++) {
		long long total = 0, n = 0;
		enum db_rc rc = DB_OK;

		if (plan[i].age_s == 0) {
			printf("%-24s kept\n", db_retention_name(plan[i].what));
			continue;
		}
		do {
			rc = db_retention_purge(c->db, &c->a, plan[i].what, plan[i].age_s,
						cfg->retention.batch, &n);
			total += n;
			arena_reset(&c->a);
		} while (rc == DB_OK && n > 0);
		if (rc != DB_OK)
			return fail_db(db_retention_name(plan[i].what), rc);
		printf("%-24s %lld deleted\n", db_retention_name(plan[i].what), total);
	}
	return 0;
}

/* erase PHONE --client CLIENT [--note TEXT] */
static int cmd_erase(struct ctl *c, int argc, char **argv)
{
	const char *phone = argv[0], *client = NULL, *note = NULL;
	const struct passwd *pw = getpwuid(getuid());
	struct erase_counts n;
	struct client cl;
	enum db_rc rc;
	char actor[200];
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--client") == 0)
			client = argv[i + 1];
		else if (strcmp(argv[i], "--note") == 0)
			note = argv[i + 1];
		else
			return EXIT_USAGE;
	}
	if (i != argc || client == NULL)
		return EXIT_USAGE;
	if (!sms_e164(phone, strlen(phone))) {
		fprintf(stderr, "ibikictl: %s is not an E.164 number\n", phone);
		return EXIT_USAGE;
	}
	if (find_client(c, client, &cl) < 0)
		return 1;
	snprintf(actor, sizeof(actor), "ibikictl:%s", pw != NULL ? pw->pw_name : "?");
	rc = db_retention_erase(c->db, &c->a, cl.id, phone, actor, note, c->cfg.retention.batch,
				&n);
	if (rc != DB_OK)
		return fail_db("erase", rc);
	printf("erased %s of client %lld: %lld inbound, %lld outbound messages, %lld user\n", phone,
	       cl.id, n.incoming, n.outgoing, n.users);
	return 0;
}

static int cmd_config(struct ctl *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	config_dump(&c->cfg);
	return 0;
}

static const struct command commands[] = {
	{"migrate", "[--sql-dir DIR]",
	 "apply pending migrations (dir: $IBIKI_SQL_DIR or " SQLDIR ")", 0, 2, cmd_migrate},
	{"admin add", "NAME", "create an admin account", 1, 1, cmd_admin_add},
	{"operator add", "NAME CLIENT", "create an operator account for CLIENT", 2, 2,
	 cmd_operator_add},
	{"passwd", "NAME", "set an account's password", 1, 1, cmd_passwd},
	{"client add", "NAME", "create a client; prints its id", 1, 1, cmd_client_add},
	{"client list", "", "list clients", 0, 0, cmd_client_list},
	{"route add", "CLIENT twilio NUMBER", "route a Twilio number to CLIENT", 3, 5,
	 cmd_route_add},
	{"", "CLIENT extreme MODEM PORT [NUMBER]", "route an Extreme modem/port to CLIENT", 0, 0,
	 NULL},
	{"key issue", "CLIENT [LABEL]", "issue an API key; prints it once", 1, 2, cmd_key_issue},
	{"key revoke", "CLIENT KEYID", "revoke an API key", 2, 2, cmd_key_revoke},
	{"token", "NAME", "print a login token (JWT) for account NAME", 1, 1, cmd_token},
	{"purge", "", "delete what [retention] no longer keeps, in short batches", 0, 0, cmd_purge},
	{"erase", "PHONE --client CLIENT [--note TEXT]",
	 "erase one person: their messages, jobs, conversation and user, audited", 3, 5, cmd_erase},
	{"config", "", "print the configuration, secrets masked", 0, 0, cmd_config},
	{NULL, NULL, NULL, 0, 0, NULL},
};

static bool needs_db(const struct command *cmd)
{
	return cmd->fn != cmd_config;
}

int main(int argc, char **argv)
{
	const char *conf = NULL;
	const struct command *cmd = NULL;
	struct ctl c;
	char err[512];
	int i, rest, ret;

	memset(&c, 0, sizeof(c));
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			conf = argv[++i];
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	for (size_t k = 0; commands[k].name != NULL && i < argc; k++) {
		const char *name = commands[k].name;
		size_t nl = strlen(name);
		const char *sp = strchr(name, ' ');

		if (commands[k].fn == NULL)
			continue;
		if (sp == NULL && strcmp(argv[i], name) == 0) {
			cmd = &commands[k];
			rest = i + 1;
			break;
		}
		if (sp != NULL && i + 1 < argc &&
		    strncmp(argv[i], name, (size_t)(sp - name)) == 0 &&
		    argv[i][sp - name] == '\0' && strcmp(argv[i + 1], sp + 1) == 0) {
			cmd = &commands[k];
			rest = i + 2;
			break;
		}
		(void)nl;
	}
	if (cmd == NULL) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (rest < argc && (strcmp(argv[rest], "--help") == 0 || strcmp(argv[rest], "-h") == 0)) {
		printf("usage: ibikictl [-c FILE] %s %s\n\n%s.\n", cmd->name, cmd->args, cmd->help);
		if (cmd->fn == cmd_route_add)
			printf("       ibikictl [-c FILE] route add %s\n",
			       commands[(cmd - commands) + 1].args);
		return 0;
	}
	if (argc - rest < cmd->nargs_min || argc - rest > cmd->nargs_max) {
		fprintf(stderr, "usage: ibikictl %s %s\n", cmd->name, cmd->args);
		return EXIT_USAGE;
	}
	if (config_load(&c.cfg, conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "ibikictl: %s\n", err);
		return 1;
	}
	log_set_process("ctl");
	log_open(NULL);
	arena_init(&c.a, 64 * 1024, 64 * 1024 * 1024);
	if (cmd->fn == cmd_migrate)
		c.cfg.database.timeout_s = MIGRATE_TIMEOUT_S;
	if (needs_db(cmd)) {
		c.db = db_open(&c.cfg);
		if (c.db == NULL || db_ping(c.db) != DB_OK) {
			fprintf(stderr, "ibikictl: cannot connect to the database\n");
			ret = 1;
			goto out;
		}
	}
	ret = cmd->fn(&c, argc - rest, argv + rest);
	if (ret == EXIT_USAGE)
		fprintf(stderr, "usage: ibikictl %s %s\n", cmd->name, cmd->args);
out:
	db_close(c.db);
	arena_free(&c.a);
	config_free(&c.cfg);
	return ret;
}
