/*
 * ibiki-fcgi: the FastCGI worker pools.
 *
 * A small prefork master of our own (see docs/operations.md for why not
 * spawn-fcgi + multiwatch): it opens two unix sockets, one per pool --
 * "ingest" (provider webhooks and /health; its workers never wait on
 * anything but MariaDB or the spool) and "api" (operators, clients,
 * admins) -- forks each pool's workers, which run the libfcgi
 * FCGX_Accept_r loop on their own pool's socket and answer only their
 * pool's routes, and replaces any worker that dies, at once.  SIGTERM or
 * SIGINT to the master stops both pools gracefully: workers finish the
 * request in hand and exit; stragglers are killed after a grace period.
 * SIGHUP reopens the log file.
 *
 * Each worker holds its config, one database connection with its prepared
 * statements, a per-request arena and a response buffer, and nothing else
 * between requests.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <grp.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/metrics.h"
#include "lib/arena.h"
#include "http/auth.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "db/db.h"
#include "ep/routes.h"
#include "http/pipeline.h"
#include "lib/log.h"
#include "http/req.h"
#include "http/router.h"
#include "lib/timeutil.h"

#define MAX_WORKERS 256
#define BACKLOG	    1024
#define GRACE_S	    30
#define ARENA_FIRST (64 * 1024)
#define ARENA_CAP   (64 * 1024 * 1024)
#define OUT_MAX	    (16 * 1024 * 1024)
#define OUT_KEEP    (256 * 1024)

/* Signal flags: the only mutable state outside main's locals. */
static volatile sig_atomic_t got_stop, got_child, got_hup;
static int listen_fd = -1; /* set once before workers start */

static void usage(FILE *f)
{
	fputs("usage: ibiki-fcgi [-c FILE] [-t] [-h] [-V]\n"
	      "\n"
	      "Run Ibiki's two FastCGI worker pools: ingest (provider webhooks, /health) on\n"
	      "[server] ingest_socket with ingest_workers processes, api (everything else)\n"
	      "on api_socket with api_workers processes (each defaults to [server] workers).\n"
	      "\n"
	      "  -c FILE   configuration file (default: $IBIKI_CONF, else " SYSCONFDIR
	      "/ibiki/ibiki.conf)\n"
	      "  -t        check the configuration and exit\n"
	      "  -h        this help\n"
	      "  -V        print the version\n"
	      "\n"
	      "Signals to the master: TERM/INT stop gracefully, HUP reopens the log.\n",
	      f);
}

static void on_master_signal(int sig)
{
	if (sig == SIGCHLD)
		got_child = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig != SIGALRM) /* SIGALRM only wakes the loop to refill */
		got_stop = 1;
}

/* In a worker, SIGTERM must also break a blocked accept(): the listening
 * descriptor is swapped for an unconnected socket, so accept() fails at
 * once even if the signal came just before it was called. */
static void on_worker_term(int sig)
{
	int saved = errno, fd;

	(void)sig;
	got_stop = 1;
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd >= 0) {
		dup2(fd, listen_fd);
		close(fd);
	}
	errno = saved;
}

static void on_worker_hup(int sig)
{
	(void)sig;
	got_hup = 1;
}

/* Handlers restart interrupted calls: libfcgi does not retry a read or
 * write that fails with EINTR, so a signal (SIGHUP at log rotation,
 * SIGTERM at shutdown) must not cut the request in hand.  A stopping
 * worker leaves accept() through the descriptor swap in on_worker_term;
 * the master waits in sigsuspend(), which signals always end. */
static void set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(sig, &sa, NULL);
}

static const char *param(FCGX_Request *rq, const char *name)
{
	return FCGX_GetParam(name, rq->envp);
}

/* Read exactly n body bytes into the arena; NULL if the body is short. */
static char *read_body(FCGX_Request *rq, struct arena *a, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	size_t got = 0;

	while (got < n) {
		int k = FCGX_GetStr(p + got, (int)(n - got), rq->in);
		if (k <= 0)
			return NULL;
		got += (size_t)k;
	}
	p[n] = '\0';
	return p;
}

static void respond(FCGX_Request *rq, struct req *r, enum status st)
{
	char head[2048];
	int n;
	size_t i;

	n = snprintf(head, sizeof(head),
		     "Status: %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		     "Cache-Control: no-store\r\n",
		     status_code(st), status_reason(st),
		     r->out_type ? r->out_type : "application/json", r->out->len);
	FCGX_PutStr(head, n, rq->out);
	for (i = 0; i < r->nheaders; i++) {
		FCGX_PutStr(r->headers[i], (int)strlen(r->headers[i]), rq->out);
		FCGX_PutStr("\r\n", 2, rq->out);
	}
	FCGX_PutStr("\r\n", 2, rq->out);
	if (r->method != M_HEAD && r->out->len > 0)
		FCGX_PutStr(r->out->p, (int)r->out->len, rq->out);
}

/* What a worker holds between requests. */
struct worker {
	const struct config *cfg;
	enum route_pool pool; /* the routes it answers */
	struct db *db;
	struct arena a;
	struct buf out;
};

static void serve(FCGX_Request *rq, struct worker *wk)
{
	struct arena *a = &wk->a;
	struct req r;
	const char *cl, *method;
	enum status st;
	double t0 = timeutil_mono_ms();
	struct log_request lr;

	memset(&r, 0, sizeof(r));
	r.a = a;
	r.cfg = wk->cfg;
	r.db = wk->db;
	r.out = &wk->out;
	method = param(rq, "REQUEST_METHOD");
	r.method = req_method_parse(method);
	r.path = param(rq, "DOCUMENT_URI");
	if (r.path == NULL)
		r.path = param(rq, "SCRIPT_NAME");
	r.raw_uri = param(rq, "REQUEST_URI");
	if (r.raw_uri == NULL)
		r.raw_uri = r.path ? r.path : "";
	r.query = param(rq, "QUERY_STRING");
	r.content_type = param(rq, "CONTENT_TYPE");
	cl = param(rq, "CONTENT_LENGTH");
	r.content_length = 0;
	if (cl != NULL && *cl != '\0') {
		char *end;
		errno = 0;
		r.content_length = strtoll(cl, &end, 10);
		if (errno != 0 || *end != '\0' || r.content_length < 0)
			r.content_length = -1; /* pipeline_route answers 413 */
	}
	r.authorization = param(rq, "HTTP_AUTHORIZATION");
	r.cookie = param(rq, "HTTP_COOKIE");
	r.twilio_signature = param(rq, "HTTP_X_TWILIO_SIGNATURE");
	r.extreme_token = param(rq, "HTTP_X_EXTREME_TOKEN");
	r.idempotency_key = param(rq, "HTTP_IDEMPOTENCY_KEY");
	r.prefer = param(rq, "HTTP_PREFER");
	r.origin = param(rq, "HTTP_ORIGIN");
	r.sec_fetch_site = param(rq, "HTTP_SEC_FETCH_SITE");
	r.client_header = param(rq, "HTTP_X_IBIKI_CLIENT");
	r.request_id = param(rq, "REQUEST_ID");
	/* REMOTE_ADDR is not read: what depends on the peer (/metrics to
	 * loopback, rate limits) is nginx's to decide, and the sockets are
	 * nginx's group only. */

	st = pipeline_route(&r, routes_table, routes_count, wk->pool);
	if (st == ST_OK) {
		if (r.content_length > 0) {
			r.body = read_body(rq, a, (size_t)r.content_length);
			r.body_len = (size_t)r.content_length;
			if (r.body == NULL) {
				st = req_fail(&r, ST_BAD_REQUEST, "incomplete_body",
					      "Request body shorter than Content-Length");
				req_render_error(&r, st);
			}
		}
		if (st == ST_OK)
			st = pipeline_run(&r);
	}
	respond(rq, &r, st);

	memset(&lr, 0, sizeof(lr));
	lr.request_id = r.request_id;
	lr.method = method ? method : "-";
	lr.path = r.path;
	lr.status = status_code(st);
	lr.duration_ms = timeutil_mono_ms() - t0;
	lr.actor = auth_actor_label(&r);
	lr.error = status_code(st) >= 400 ? r.err.code : NULL;
	log_request(&lr);
	metrics_request(r.route != NULL ? (size_t)(r.route - routes_table) : routes_count,
			(size_t)st, lr.duration_ms / 1000.0);
}

static int worker_main(const struct config *cfg, enum route_pool pool)
{
	FCGX_Request rq;
	struct worker wk = {.cfg = cfg, .pool = pool};
	sigset_t none;

	signal(SIGCHLD, SIG_DFL);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	set_handler(SIGTERM, on_worker_term);
	set_handler(SIGHUP, on_worker_hup);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL); /* the master's mask was inherited */
	if (getppid() == 1)
		return 0;
	/* Keep RSS flat: large blocks go straight back to the system. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	mallopt(M_TRIM_THRESHOLD, 256 * 1024);
	mallopt(M_ARENA_MAX, 1);

	wk.db = db_open(cfg);
	if (wk.db == NULL)
		log_fatal("worker", "out of memory");
	arena_init(&wk.a, ARENA_FIRST, ARENA_CAP);
	buf_init(&wk.out, OUT_MAX);
	if (FCGX_InitRequest(&rq, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		log_fatal("worker", "FCGX_InitRequest failed");
	while (!got_stop) {
		if (FCGX_Accept_r(&rq) < 0) {
			if (got_stop)
				break;
			if (errno == EINTR || errno == 0)
				continue;
			log_msg(LOG_ERROR, "worker", "accept failed: %s", strerror(errno));
			break;
		}
		/* A SIGHUP that came while accept() waited: this request's log
		 * line goes to the new file. */
		if (got_hup) {
			got_hup = 0;
			log_reopen();
		}
		serve(&rq, &wk);
		FCGX_Finish_r(&rq);
		arena_reset(&wk.a);
		buf_reset(&wk.out, OUT_KEEP);
	}
	FCGX_Free(&rq, 1);
	buf_free(&wk.out);
	arena_free(&wk.a);
	db_close(wk.db);
	return 0;
}

/* One pool: its socket, its size, its workers. */
struct pool {
	const char *name; /* ingest | api */
	enum route_pool which;
	const char *socket;
	int fd;
	long n;
	pid_t pids[MAX_WORKERS];
	time_t started[MAX_WORKERS];
};

static struct pool pools[2];

static pid_t spawn(const struct config *cfg, const struct pool *p)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* A worker serves its own pool's socket only. */
		for (size_t k = 0; k < 2; k++)
			if (&pools[k] != p)
				close(pools[k].fd);
		listen_fd = p->fd;
		_exit(worker_main(cfg, p->which));
	}
	if (pid < 0)
		log_msg(LOG_ERROR, "master", "fork failed: %s", strerror(errno));
	return pid;
}

static int open_socket(const struct config *cfg, const char *path)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_msg(LOG_ERROR, "master", "%s exists and is not a socket", path);
			return -1;
		}
		unlink(path);
	}
	fd = FCGX_OpenSocket(path, BACKLOG);
	if (fd < 0) {
		log_msg(LOG_ERROR, "master", "cannot listen on %s: %s", path, strerror(errno));
		return -1;
	}
	if (chmod(path, (mode_t)cfg->server.socket_mode) != 0)
		log_msg(LOG_WARN, "master", "chmod %s: %s", path, strerror(errno));
	if (*cfg->server.socket_group != '\0') {
		struct group *g = getgrnam(cfg->server.socket_group);

		if (g == NULL || chown(path, (uid_t)-1, g->gr_gid) != 0) {
			log_msg(LOG_ERROR, "master", "cannot give %s to group %s", path,
				cfg->server.socket_group);
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Fill the empty slots of every pool; returns how many are still empty
 * (fork failed). */
static int refill(const struct config *cfg)
{
	int empty = 0;
	size_t k;
	long i;

	for (k = 0; k < 2; k++) {
		struct pool *p = &pools[k];

		for (i = 0; i < p->n; i++) {
			if (p->pids[i] > 0)
				continue;
			p->pids[i] = spawn(cfg, p);
			p->started[i] = time(NULL);
			empty += p->pids[i] < 0;
		}
	}
	return empty;
}

/* The pool slot of a worker, or NULL. */
static pid_t *slot_of(pid_t pid, time_t **started)
{
	size_t k;
	long i;

	for (k = 0; k < 2; k++)
		for (i = 0; i < pools[k].n; i++)
			if (pools[k].pids[i] == pid) {
				*started = &pools[k].started[i];
				return &pools[k].pids[i];
			}
	return NULL;
}

/* Collect dead workers and empty their slots. */
static void reap(int *fast_deaths)
{
	int status;
	pid_t dead, *slot;
	time_t *started;

	got_child = 0;
	while ((dead = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((slot = slot_of(dead, &started)) == NULL)
			continue;
		if (WIFSIGNALED(status))
			log_msg(LOG_WARN, "master", "worker %d killed by signal %d", (int)dead,
				WTERMSIG(status));
		else
			log_msg(LOG_WARN, "master", "worker %d exited with %d", (int)dead,
				WEXITSTATUS(status));
		*slot = 0;
		/* A worker dying right after start, again and again, is a
		 * crash loop: slow down instead of spinning. */
		*fast_deaths = time(NULL) - *started < 1 ? *fast_deaths + 1 : 0;
		if (*fast_deaths > 10 && !got_stop)
			sleep(1);
	}
}

/* Signal every worker of both pools; returns how many are alive. */
static int signal_all(int sig)
{
	int alive = 0;
	size_t k;
	long i;

	for (k = 0; k < 2; k++)
		for (i = 0; i < pools[k].n; i++)
			if (pools[k].pids[i] > 0 && kill(pools[k].pids[i], sig) == 0)
				alive++;
	return alive;
}

static int master(const struct config *cfg)
{
	int fast_deaths = 0;
	sigset_t block, old;
	size_t k;

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	set_handler(SIGCHLD, on_master_signal);
	set_handler(SIGTERM, on_master_signal);
	set_handler(SIGINT, on_master_signal);
	set_handler(SIGHUP, on_master_signal);
	set_handler(SIGALRM, on_master_signal);
	signal(SIGPIPE, SIG_IGN);
	/* The request counters of both pools, shared with every worker. */
	metrics_init(routes_count, ST__MAX);

	refill(cfg);
	for (k = 0; k < 2; k++)
		log_msg(LOG_INFO, "master", "pool %s listening on %s with %ld workers",
			pools[k].name, pools[k].socket, pools[k].n);

	while (!got_stop) {
		sigsuspend(&old); /* signals are delivered only here */
		if (got_hup) {
			got_hup = 0;
			log_reopen();
			signal_all(SIGHUP);
		}
		if (got_child)
			reap(&fast_deaths);
		if (!got_stop && refill(cfg) > 0)
			alarm(1); /* fork failed: try again in a second */
	}

	log_msg(LOG_INFO, "master", "stopping");
	signal_all(SIGTERM);
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (int waited = 0; waited < GRACE_S * 10; waited++) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (signal_all(0) == 0)
			break;
		usleep(100 * 1000);
	}
	signal_all(SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
	for (k = 0; k < 2; k++)
		unlink(pools[k].socket);
	log_msg(LOG_INFO, "master", "stopped");
	return 0;
}

int main(int argc, char **argv)
{
	const char *conf = NULL;
	bool check_only = false;
	struct config cfg;
	char err[512];
	int c, ret;

	while ((c = getopt(argc, argv, "c:thV")) != -1) {
		switch (c) {
		case 'c':
			conf = optarg;
			break;
		case 't':
			check_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts("ibiki-fcgi " PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (config_load(&cfg, conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "ibiki-fcgi: %s\n", err);
		return 1;
	}
	if (check_only) {
		puts("configuration ok");
		config_free(&cfg);
		return 0;
	}
	log_set_process("fcgi");
	if (log_open(cfg.server.log_file) < 0)
		fprintf(stderr, "ibiki-fcgi: cannot open log %s: %s\n", cfg.server.log_file,
			strerror(errno));
	if (FCGX_Init() != 0) {
		fprintf(stderr, "ibiki-fcgi: FCGX_Init failed\n");
		return 1;
	}
	pools[0] = (struct pool){.name = "ingest",
				 .which = ROUTE_POOL_INGEST,
				 .socket = cfg.server.ingest_socket,
				 .n = cfg.server.ingest_workers};
	pools[1] = (struct pool){.name = "api",
				 .which = ROUTE_POOL_API,
				 .socket = cfg.server.api_socket,
				 .n = cfg.server.api_workers};
	for (size_t k = 0; k < 2; k++) {
		pools[k].fd = open_socket(&cfg, pools[k].socket);
		if (pools[k].fd < 0) {
			fprintf(stderr, "ibiki-fcgi: cannot listen on %s\n", pools[k].socket);
			return 1;
		}
	}
	ret = master(&cfg);
	config_free(&cfg);
	return ret;
}
