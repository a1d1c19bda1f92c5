/*
 * ibiki-dispatch: drains push_outbox -- client webhooks and
 * acknowledgement SMS -- and imports the spool.  Started by cron every
 * minute with --for 55 (conf/ibiki.cron; conf/systemd has a timer too);
 * any number may run at once, on any hosts.  SIGTERM or SIGINT: claim
 * nothing more, finish what is in flight, exit.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "dispatch/dispatch.h"
#include "lib/log.h"

static volatile sig_atomic_t got_stop;

static void on_stop(int sig)
{
	(void)sig;
	got_stop = 1;
}

static void usage(FILE *f)
{
	fputs("usage: ibiki-dispatch [-c FILE] (--for SECONDS | --once)\n"
	      "\n"
	      "Deliver what is due in push_outbox: signed client webhooks and\n"
	      "acknowledgement SMS, with retries; import spooled provider webhooks.\n"
	      "\n"
	      "  -c FILE        configuration file (default: $IBIKI_CONF, else " SYSCONFDIR
	      "/ibiki/ibiki.conf)\n"
	      "  --for SECONDS  keep polling (every 200 ms at most) for this long, then\n"
	      "                 finish what is in flight and exit (cron: --for 55)\n"
	      "  --once         deliver what is due now, then exit\n"
	      "  -h, --help     this help\n"
	      "  -V, --version  print the version\n"
	      "\n"
	      "Exit status: 0 done, 1 could not run, 2 usage.\n",
	      f);
}

int main(int argc, char **argv)
{
	struct dispatch_opts o = {0};
	struct dispatch_stats st;
	struct config cfg;
	const char *conf = NULL;
	char err[512], *end;
	struct sigaction sa;
	bool have_mode = false;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			conf = argv[++i];
		} else if (strcmp(argv[i], "--for") == 0 && i + 1 < argc) {
			o.for_s = strtod(argv[++i], &end);
			if (*end != '\0' || o.for_s <= 0 || o.for_s > 86400) {
				usage(stderr);
				return 2;
			}
			have_mode = true;
		} else if (strcmp(argv[i], "--once") == 0) {
			o.once = true;
			have_mode = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0) {
			puts("ibiki-dispatch " PACKAGE_VERSION);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!have_mode) {
		usage(stderr);
		return 2;
	}
	if (config_load(&cfg, conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "ibiki-dispatch: %s\n", err);
		return 1;
	}
	log_set_process("dispatch");
	log_open(cfg.server.log_file);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = dispatch_run(&cfg, &o, &got_stop, &st);
	log_msg(LOG_INFO, "dispatch",
		"done: claimed %lld, delivered %lld, retried %lld, dead %lld, deferred %lld, "
		"imported %lld",
		st.claimed, st.delivered, st.retried, st.dead, st.deferred, st.imported);
	config_free(&cfg);
	return rc == 0 ? 0 : 1;
}
