/*
 * The delivery engine of ibiki-dispatch: claims due push_outbox jobs,
 * delivers them concurrently over one libcurl multi handle -- signed
 * client webhooks (sms.received and sms.status) and every outbound SMS
 * (dispatch_sms.c) -- and records each outcome and attempt.  Also imports
 * the spool of provider webhooks received while MariaDB was down, and
 * sweeps messages left queued to reconciliation.
 *
 * Webhooks: HTTPS only, no redirects, no proxies, connect and total
 * timeouts and a low-speed abort, the answer read up to 64 KiB, and the
 * destination address checked when the socket is opened (netcheck_addr_forbidden),
 * so a name that now resolves to a private address is refused.  At most
 * [push] max_in_flight deliveries at once and max_per_host per destination
 * host: a slow or hanging endpoint holds only its own share.
 *
 * Outcomes: 2xx delivered; 410 dead and the client's endpoint disabled
 * until re-registered; anything else (3xx, 4xx, 5xx, timeout, refused, TLS
 * failure, blocked address) a failed attempt, retried after exponential
 * backoff with jitter (Retry-After honoured on 429 and 503), dead after
 * [push] max_attempts.
 */
#ifndef IBIKI_DISPATCH_H
#define IBIKI_DISPATCH_H

#include <signal.h>
#include <stdbool.h>

#include "lib/config.h"

struct dispatch_opts {
	double for_s; /* run this long, then finish what is in flight */
	bool once;    /* stop when nothing is due and nothing in flight */
};

struct dispatch_stats {
	long long claimed;
	long long delivered;
	long long retried;
	long long dead;
	long long deferred;
	long long imported;
	long long swept; /* stale queued messages sent to reconciliation */
};

/* Run until the time is up, the work is done (once), or *stop is set
 * (SIGTERM: no new claims, in-flight deliveries finish).  Returns 0, or
 * -1 when the engine could not be set up. */
int dispatch_run(const struct config *cfg, const struct dispatch_opts *o,
		 volatile sig_atomic_t *stop, struct dispatch_stats *st);

#endif
