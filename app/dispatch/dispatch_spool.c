/*
 * Importing the spool: each finished file (not a dot-file) is parsed,
 * replayed through the request pipeline as the webhook it came from, and
 * removed once stored; a file the pipeline refuses is moved to bad/, and
 * the import stops while the database is unavailable (the files stay).
 */
#include "dispatch/dispatch_spool.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "ep/routes.h"
#include "http/pipeline.h"
#include "lib/json.h"
#include "lib/log.h"
#include "http/req.h"

#define SPOOL_FILE_MAX (1024 * 1024)

static const struct {
	const char *kind;
	const char *path;
	const char *content_type;
} kinds[] = {
	{"twilio_incoming", "/twilio/incoming", "application/x-www-form-urlencoded"},
	{"twilio_status", "/twilio/status", "application/x-www-form-urlencoded"},
	{"extreme_incoming", "/extreme/incoming", "application/json"},
};

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *p;

	if (f == NULL)
		return NULL;
	p = malloc(SPOOL_FILE_MAX + 1);
	if (p != NULL) {
		*len = fread(p, 1, SPOOL_FILE_MAX, f);
		p[*len] = '\0';
	}
	fclose(f);
	return p;
}

static void set_aside(const char *dir, const char *name, const char *why)
{
	char bad[4096], from[4352], to[4352];

	snprintf(bad, sizeof(bad), "%s/bad", dir);
	mkdir(bad, 0700);
	snprintf(from, sizeof(from), "%s/%s", dir, name);
	snprintf(to, sizeof(to), "%s/%s", bad, name);
	if (rename(from, to) < 0)
		log_msg(LOG_ERROR, "spool", "cannot move %s aside: %s", name, strerror(errno));
	log_msg(LOG_ERROR, "spool", "%s set aside in bad/: %s", name, why);
}

/* What a spool document holds: its kind's entry and the raw body; NULL
 * when it is not one (*why says why). */
static int parse_doc(struct arena *a, const char *text, size_t len, size_t *kind,
		     const struct json **body, const char **why)
{
	const struct json *k;
	struct json *root;
	const char *err;

	*why = "not a spool document";
	if (json_parse(a, text, len, &root, &err) < 0 || (k = json_get(root, "kind")) == NULL ||
	    (*body = json_get(root, "body")) == NULL || k->type != JSON_STRING ||
	    (*body)->type != JSON_STRING)
		return -1;
	for (*kind = 0; *kind < sizeof(kinds) / sizeof(kinds[0]); (*kind)++)
		if (strcmp(k->s, kinds[*kind].kind) == 0)
			return 0;
	*why = "unknown kind";
	return -1;
}

/* Replay one document through the pipeline, as its webhook. */
static enum status replay(const struct config *cfg, struct db *db, struct arena *a,
			  const char *name, size_t kind, const struct json *body, const char **why)
{
	struct req r;
	struct buf out;
	enum status st;

	memset(&r, 0, sizeof(r));
	buf_init(&out, 1 << 20);
	r.a = a;
	r.cfg = cfg;
	r.db = db;
	r.out = &out;
	r.method = M_POST;
	r.path = r.raw_uri = kinds[kind].path;
	r.query = "";
	r.content_type = kinds[kind].content_type;
	r.body = body->s;
	r.body_len = body->len;
	r.content_length = (long long)body->len;
	r.request_id = name;
	r.from_spool = true;
	st = pipeline_request(&r, routes_table, routes_count);
	*why = r.err.message ? r.err.message : "refused";
	buf_free(&out);
	return st;
}

/* 1 imported, 0 set aside, -1 database unavailable. */
static int import_one(const struct config *cfg, struct db *db, struct arena *a, const char *dir,
		      const char *name)
{
	const struct json *body;
	const char *why;
	char path[4096];
	size_t len = 0, kind;
	enum status st;
	char *text;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((text = read_file(path, &len)) == NULL)
		return 0;
	if (parse_doc(a, text, len, &kind, &body, &why) < 0) {
		set_aside(dir, name, why);
		goto out;
	}
	st = replay(cfg, db, a, name, kind, body, &why);
	if (status_code(st) < 300) {
		unlink(path);
		ret = 1;
	} else if (st == ST_UNAVAILABLE) {
		ret = -1;
	} else {
		set_aside(dir, name, why);
	}
out:
	free(text);
	return ret;
}

long dispatch_spool_import(const struct config *cfg, struct db *db, struct arena *a)
{
	const char *dir = cfg->server.spool_dir;
	DIR *d = opendir(dir);
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		int rc;

		/* Finished files only: writers work on dot-files and rename. */
		if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		rc = import_one(cfg, db, a, dir, e->d_name);
		arena_reset(a);
		if (rc < 0) {
			n = n > 0 ? n : -1;
			break;
		}
		n += rc;
	}
	closedir(d);
	if (n > 0)
		log_msg(LOG_INFO, "spool", "imported %ld spooled webhooks", n);
	return n;
}
