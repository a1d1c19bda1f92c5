/*
 * Counters for /metrics, kept by the processes themselves (no scrape
 * reads a table).
 *
 * Requests: the worker supervisor maps one anonymous shared region before
 * it forks the workers of both pools; every worker adds to it with atomic
 * operations, so a scrape served by any worker shows the sum of all, and a
 * replaced worker's counts stay.  Slots are (route, status) counts and a
 * duration histogram per route; the caller names routes and statuses.
 *
 * Counter files: a process that exits (the dispatcher, run by cron) adds
 * its counts to a Prometheus text file, under an flock, so the totals
 * outlive it; /metrics appends that file.
 */
#ifndef IBIKI_LIB_METRICS_H
#define IBIKI_LIB_METRICS_H

#include <stddef.h>

#include "lib/buf.h"

#define METRICS_BUCKETS 12 /* bounds in metrics.c, then +Inf */

/* Map the shared region for nroutes routes (the last slot, nroutes, is
 * for requests that matched none) and nstatus statuses.  0, or -1 when it
 * cannot be mapped (then nothing is counted). */
int metrics_init(size_t nroutes, size_t nstatus);

/* One request of route (nroutes: none) answered with status (its index)
 * in seconds. */
void metrics_request(size_t route, size_t status, double seconds);

/* What the ingest pool did with provider webhooks (counted by each
 * worker into the shared region). */
enum metrics_event {
	METRICS_INBOUND_TWILIO,	   /* stored: a new message from Twilio */
	METRICS_INBOUND_EXTREME,   /* stored: a new message from Extreme */
	METRICS_INBOUND_DUPLICATE, /* a provider's retry of a stored message */
	METRICS_INBOUND_UNROUTED,  /* stored, but no route matched */
	METRICS_INBOUND_SPOOLED,   /* the database did not take it: spooled */
	METRICS_EVENT__MAX
};
void metrics_event(enum metrics_event e);

/* The request families in Prometheus text: route_label(i) and
 * status_label(s) name the slots (route nroutes: "unmatched"). */
void metrics_render(struct buf *b, const char *(*route_label)(size_t i, const char **method),
		    const char *(*status_label)(size_t s));

/* A counter series of a counter file: family, labels ("a=\"x\",b=\"y\"" or
 * ""), the family's help, and the count to add. */
struct metrics_series {
	const char *family, *labels, *help;
	long long add;
};

/* Add the counts of s[0..n) to the totals in file (created if missing;
 * series not in s are dropped), atomically.  0, or -1 (logged). */
int metrics_file_add(const char *file, const struct metrics_series *s, size_t n);

#endif
