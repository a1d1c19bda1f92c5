/*
 * JSON-lines logger.  See log.h.  The only state is the file descriptor
 * and the process name, set once at start-up.
 */
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/jsonw.h"
#include "lib/timeutil.h"

static int log_fd = 2;
static char log_path[512];
static const char *log_proc = "ibiki";

static const char *const level_names[LOG_LEVEL__MAX] = {
	[LOG_DEBUG] = "debug",
	[LOG_INFO] = "info",
	[LOG_WARN] = "warn",
	[LOG_ERROR] = "error",
};

int log_open(const char *path)
{
	int fd;

	if (path == NULL || *path == '\0' || strcmp(path, "-") == 0) {
		log_path[0] = '\0';
		log_fd = 2;
		return 0;
	}
	if (path != log_path)
		snprintf(log_path, sizeof(log_path), "%s", path);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	if (log_fd > 2)
		close(log_fd);
	log_fd = fd;
	return 0;
}

int log_reopen(void)
{
	if (log_path[0] == '\0')
		return 0;
	return log_open(log_path);
}

void log_set_process(const char *name)
{
	log_proc = name;
}

static void head(struct jsonw *w, const char *level)
{
	char ts[32];

	timeutil_iso_now(ts, sizeof(ts));
	jsonw_obj(w);
	jsonw_kstr(w, "time", ts);
	jsonw_kstr(w, "level", level);
	jsonw_kstr(w, "proc", log_proc);
	jsonw_kint(w, "pid", (long long)getpid());
}

static void emit(struct buf *b)
{
	ssize_t n;

	if (buf_addc(b, '\n') < 0) {
		/* Too long: keep the line a line. */
		b->p[b->len - 1] = '\n';
	}
	do
		n = write(log_fd, b->p, b->len);
	while (n < 0 && errno == EINTR);
}

void log_msg(enum log_level lvl, const char *component, const char *fmt, ...)
{
	char msg[1024];
	char store[8192];
	struct buf b = {.p = store, .len = 0, .size = sizeof(store), .max = sizeof(store) - 1};
	struct jsonw w;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	jsonw_init(&w, &b);
	head(&w, level_names[lvl < LOG_LEVEL__MAX ? lvl : LOG_ERROR]);
	jsonw_kstr(&w, "component", component);
	jsonw_kstr(&w, "msg", msg);
	jsonw_obj_end(&w);
	emit(&b);
}

void log_request(const struct log_request *r)
{
	char store[4096];
	struct buf b = {.p = store, .len = 0, .size = sizeof(store), .max = sizeof(store) - 1};
	struct jsonw w;
	char dur[32];
	size_t plen = r->path ? strlen(r->path) : 0;

	jsonw_init(&w, &b);
	head(&w, r->status >= 500 ? "error" : "info");
	jsonw_kstr(&w, "request_id", r->request_id);
	jsonw_kstr(&w, "method", r->method);
	/* Bounded: a path is at most 256 bytes of the line. */
	jsonw_kstrn(&w, "path", r->path, plen > 256 ? 256 : plen);
	jsonw_kint(&w, "status", r->status);
	snprintf(dur, sizeof(dur), "%.3f", r->duration_ms);
	jsonw_key(&w, "duration_ms");
	jsonw_raw(&w, dur, strlen(dur));
	jsonw_kstr(&w, "actor", r->actor);
	if (r->error != NULL)
		jsonw_kstr(&w, "error", r->error);
	jsonw_obj_end(&w);
	emit(&b);
}

void log_attempt(const struct log_attempt *a)
{
	char store[4096];
	struct buf b = {.p = store, .len = 0, .size = sizeof(store), .max = sizeof(store) - 1};
	struct jsonw w;
	char dur[32];

	jsonw_init(&w, &b);
	head(&w, a->error != NULL ? "warn" : "info");
	jsonw_kstr(&w, "event", "delivery_attempt");
	jsonw_kint(&w, "outbox_id", a->outbox_id);
	jsonw_kstr(&w, "event_id", a->event_id);
	jsonw_kstr(&w, "kind", a->kind);
	jsonw_kint(&w, "client_id", a->client_id);
	jsonw_kint(&w, "attempt", a->attempt);
	jsonw_kstr(&w, "host", a->host);
	jsonw_key(&w, "http_status");
	if (a->http_status > 0)
		jsonw_int(&w, a->http_status);
	else
		jsonw_null(&w);
	jsonw_kstr(&w, "outcome", a->outcome);
	snprintf(dur, sizeof(dur), "%.3f", a->duration_ms);
	jsonw_key(&w, "duration_ms");
	jsonw_raw(&w, dur, strlen(dur));
	if (a->error != NULL)
		jsonw_kstrn(&w, "error", a->error, strlen(a->error) > 300 ? 300 : strlen(a->error));
	jsonw_obj_end(&w);
	emit(&b);
}

void log_fatal(const char *component, const char *msg)
{
	log_msg(LOG_ERROR, component, "fatal: %s", msg);
	abort();
}
