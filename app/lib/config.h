/*
 * Configuration: one INI file (IBIKI_CONF, or -c) read once at start-up.
 * Every key can be overridden by the environment variable
 * IBIKI_<SECTION>_<KEY> (upper case); secret keys can instead be given as
 * <key>_file (in the file or the environment), naming a file whose first
 * line is the secret.  Unknown sections and keys are errors, so a typo is
 * never silently ignored.  The loaded struct is read-only afterwards.
 */
#ifndef IBIKI_LIB_CONFIG_H
#define IBIKI_LIB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config {
	struct {
		long workers;	     /* both pools, unless set apart */
		long ingest_workers; /* provider webhooks and /health */
		long api_workers;    /* everything else */
		char *ingest_socket;
		char *api_socket;
		long socket_mode;      /* octal in the file: 0660 */
		char *socket_group;    /* the sockets' group (nginx's), "": the process's */
		char *public_base_url; /* no trailing slash */
		char *log_file;
		char *spool_dir;
	} server;
	struct {
		char *host;
		long port;
		char *socket;
		char *hosts; /* a cluster's nodes, in order of preference; "" none */
		char *user;
		char *password;
		char *name;
		long timeout_s; /* connect, read, write: bounds every statement */
	} database;
	struct {
		char *jwt_secret;
		size_t jwt_secret_len;
		long token_ttl_s;
	} auth;
	struct {
		char *account_sid;
		char *auth_token;
		char *api_base;
		char *from_number;
		bool validate_signature;
		long timeout_s;
	} twilio;
	struct {
		char *api_base;
		char *api_key;
		char *inbound_token;
		long timeout_s;
	} extreme;
	struct {
		long max_attempts;
		long backoff_base_s;
		long backoff_max_s;
		long timeout_s;
		long connect_timeout_s;
		long max_in_flight;
		long max_per_host;
		bool allow_loopback;
		char *ca_file;
		long lease_s;
		char *metrics_file; /* the dispatchers' counters, for /metrics */
	} push;
	struct {
		long sync_wait_s;	 /* a synchronous send waits this long, then 202 */
		long stale_after_s;	 /* no message stays queued longer unreconciled */
		long default_mps;	 /* a route's rate when it has none; 0 unthrottled */
		long reconcile_window_s; /* how long a lost send is looked for */
		long max_per_host;	 /* SMS in flight to one provider host */
	} upstream;
	struct {
		long messages_days;	/* inbound and outbound messages; 0 keeps them */
		long history_days;	/* status history and callbacks; 0 keeps them */
		long attempts_days;	/* finished deliveries and their attempts; 0 keeps */
		long idempotency_hours; /* idempotency keys */
		long batch;		/* rows per purge transaction */
	} retention;
	struct {
		char *stop_reply;      /* answered to STOP & co.; "": nothing */
		char *start_reply;     /* answered to START & co.; "": nothing */
		char *help_reply;      /* answered to HELP, INFO; "": nothing */
		bool reply_via_twilio; /* answer keywords over Twilio too */
	} optout;
};

/* Load `path` (NULL: $IBIKI_CONF, else the compiled-in default) and apply
 * the environment.  Returns 0, or -1 with a message in err. */
int config_load(struct config *c, const char *path, char *err, size_t errlen);
/* Release what config_load allocated. */
void config_free(struct config *c);
/* Fill defaults only (for tests). */
void config_defaults(struct config *c);
/* Print every key with its value (secrets masked) to stdout. */
void config_dump(const struct config *c);

#endif
