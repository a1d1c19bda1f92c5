/*
 * Process counters for /metrics.  See metrics.h.
 */
#include "lib/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/log.h"

/* Upper bounds of the duration buckets, seconds. */
static const double bounds[METRICS_BUCKETS] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
					       0.1,   0.25,   0.5,   1,	   2.5,	  10};

/* Per route: a count per status, a count per bucket (not cumulative; the
 * last is +Inf), the sum of durations in microseconds. */
static uint64_t *shm, *events; /* events: METRICS_EVENT__MAX after the routes */
static size_t n_routes, n_status, per_route;

int metrics_init(size_t nroutes, size_t nstatus)
{
	size_t bytes;
	void *p;

	n_routes = nroutes;
	n_status = nstatus;
	per_route = nstatus + METRICS_BUCKETS + 1 + 1; /* + the +Inf bucket, the sum */
	bytes = ((nroutes + 1) * per_route + METRICS_EVENT__MAX) * sizeof(uint64_t);
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		log_msg(LOG_ERROR, "metrics", "cannot map %zu bytes: %s", bytes, strerror(errno));
		return -1;
	}
	shm = p;
	events = shm + (nroutes + 1) * per_route;
	return 0;
}

void metrics_event(enum metrics_event e)
{
	if (events != NULL && e < METRICS_EVENT__MAX)
		__atomic_fetch_add(&events[e], 1, __ATOMIC_RELAXED);
}

void metrics_request(size_t route, size_t status, double seconds)
{
	uint64_t *r;
	size_t b = 0;

	if (shm == NULL || status >= n_status)
		return;
	if (route > n_routes)
		route = n_routes;
	r = shm + route * per_route;
	while (b < METRICS_BUCKETS && seconds > bounds[b])
		b++;
	__atomic_fetch_add(&r[status], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r[n_status + b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r[n_status + METRICS_BUCKETS + 1],
			   (uint64_t)(seconds > 0 ? seconds * 1e6 : 0), __ATOMIC_RELAXED);
}

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void metrics_render(struct buf *b, const char *(*route_label)(size_t i, const char **method),
		    const char *(*status_label)(size_t s))
{
	size_t i, s, k;

	if (shm == NULL)
		return;
	buf_printf(
		b,
		"# HELP ibiki_inbound_messages_total New inbound messages stored, by provider.\n"
		"# TYPE ibiki_inbound_messages_total counter\n"
		"ibiki_inbound_messages_total{provider=\"twilio\"} %llu\n"
		"ibiki_inbound_messages_total{provider=\"extreme\"} %llu\n"
		"# HELP ibiki_inbound_duplicates_total Provider webhooks repeating a stored"
		" message.\n# TYPE ibiki_inbound_duplicates_total counter\n"
		"ibiki_inbound_duplicates_total %llu\n"
		"# HELP ibiki_inbound_unrouted_total Inbound messages stored that matched no"
		" route.\n# TYPE ibiki_inbound_unrouted_total counter\n"
		"ibiki_inbound_unrouted_total %llu\n"
		"# HELP ibiki_inbound_spooled_total Provider webhooks spooled to disk because the"
		" database did not take them.\n# TYPE ibiki_inbound_spooled_total counter\n"
		"ibiki_inbound_spooled_total %llu\n",
		(unsigned long long)load(&events[METRICS_INBOUND_TWILIO]),
		(unsigned long long)load(&events[METRICS_INBOUND_EXTREME]),
		(unsigned long long)load(&events[METRICS_INBOUND_DUPLICATE]),
		(unsigned long long)load(&events[METRICS_INBOUND_UNROUTED]),
		(unsigned long long)load(&events[METRICS_INBOUND_SPOOLED]));
	buf_printf(b, "# HELP ibiki_http_requests_total Requests answered by the workers, by route"
		      " (the route table's pattern) and status.\n"
		      "# TYPE ibiki_http_requests_total counter\n");
	for (i = 0; i <= n_routes; i++) {
		const char *method = "", *route = route_label(i, &method);
		const uint64_t *r = shm + i * per_route;

		for (s = 0; s < n_status; s++)
			if (load(&r[s]) > 0)
				buf_printf(b,
					   "ibiki_http_requests_total{route=\"%s\",method=\"%s\","
					   "status=\"%s\"} %llu\n",
					   route, method, status_label(s),
					   (unsigned long long)load(&r[s]));
	}
	buf_printf(b, "# HELP ibiki_http_request_duration_seconds Time from the request to its"
		      " answer in the worker, by route.\n"
		      "# TYPE ibiki_http_request_duration_seconds histogram\n");
	for (i = 0; i <= n_routes; i++) {
		const char *method = "", *route = route_label(i, &method);
		const uint64_t *r = shm + i * per_route, *h = r + n_status;
		unsigned long long cum = 0;

		if (load(&h[METRICS_BUCKETS]) == 0) {
			for (k = 0; k < METRICS_BUCKETS && load(&h[k]) == 0; k++)
				;
			if (k == METRICS_BUCKETS)
				continue; /* no request yet */
		}
		for (k = 0; k <= METRICS_BUCKETS; k++) {
			cum += load(&h[k]);
			if (k < METRICS_BUCKETS)
				buf_printf(
					b,
					"ibiki_http_request_duration_seconds_bucket{route=\"%s\","
					"method=\"%s\",le=\"%g\"} %llu\n",
					route, method, bounds[k], cum);
			else
				buf_printf(
					b,
					"ibiki_http_request_duration_seconds_bucket{route=\"%s\","
					"method=\"%s\",le=\"+Inf\"} %llu\n",
					route, method, cum);
		}
		buf_printf(
			b,
			"ibiki_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n"
			"ibiki_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"}"
			" %llu\n",
			route, method, (double)load(&h[METRICS_BUCKETS + 1]) / 1e6, route, method,
			cum);
	}
}

/* --- counter files -------------------------------------------------------- */

/* The total of series "family{labels}" in the file's text, 0 if absent. */
static long long total_in(const char *text, const struct metrics_series *s)
{
	char key[512];
	const char *p = text;
	int n = snprintf(key, sizeof(key), "%s%s%s%s ", s->family, *s->labels ? "{" : "", s->labels,
			 *s->labels ? "}" : "");

	if (n < 0 || (size_t)n >= sizeof(key) || text == NULL)
		return 0;
	while ((p = strstr(p, key)) != NULL) {
		if (p == text || p[-1] == '\n')
			return strtoll(p + n, NULL, 10);
		p += n;
	}
	return 0;
}

static char *read_all(int fd)
{
	size_t cap = 4096, len = 0;
	char *t = malloc(cap);
	ssize_t k;

	while (t != NULL && (k = read(fd, t + len, cap - len - 1)) > 0) {
		len += (size_t)k;
		if (cap - len < 2) {
			char *bigger = cap < (1 << 20) ? realloc(t, cap * 2) : NULL;
			if (bigger == NULL)
				break;
			t = bigger;
			cap *= 2;
		}
	}
	if (t != NULL)
		t[len] = '\0';
	return t;
}

int metrics_file_add(const char *file, const struct metrics_series *s, size_t n)
{
	char lock[512], tmp[512];
	int lfd, fd, ret = -1;
	char *old = NULL;
	struct buf out;
	size_t i;

	if (snprintf(lock, sizeof(lock), "%s.lock", file) >= (int)sizeof(lock) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= (int)sizeof(tmp))
		return -1;
	lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (lfd < 0 || flock(lfd, LOCK_EX) != 0) {
		log_msg(LOG_WARN, "metrics", "cannot lock %s: %s", lock, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return -1;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		old = read_all(fd);
		close(fd);
	}
	buf_init(&out, 1 << 20);
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(s[i].family, s[i - 1].family) != 0)
			buf_printf(&out, "# HELP %s %s\n# TYPE %s counter\n", s[i].family,
				   s[i].help, s[i].family);
		buf_printf(&out, "%s%s%s%s %lld\n", s[i].family, *s[i].labels ? "{" : "",
			   s[i].labels, *s[i].labels ? "}" : "", total_in(old, &s[i]) + s[i].add);
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0 && write(fd, out.p, out.len) == (ssize_t)out.len && fsync(fd) == 0 &&
	    close(fd) == 0) {
		fd = -1;
		ret = rename(tmp, file);
	}
	if (fd >= 0)
		close(fd);
	if (ret != 0)
		log_msg(LOG_WARN, "metrics", "cannot write %s: %s", file, strerror(errno));
	buf_free(&out);
	free(old);
	close(lfd);
	return ret;
}
