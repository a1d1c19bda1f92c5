/*
 * Logging: one JSON object per line, written with a single write(2) so
 * that lines from many worker processes appending to one file never
 * interleave.  Callers never pass secrets, signatures or message bodies;
 * the log holds metadata only.
 */
#ifndef IBIKI_LIB_LOG_H
#define IBIKI_LIB_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_LEVEL__MAX };

/* Send lines to `path` (appending; NULL or "" or "-" means stderr).
 * Returns 0, or -1 with errno set when the file cannot be opened (lines
 * then keep going to stderr). */
int log_open(const char *path);
/* Reopen after rotation. */
int log_reopen(void);
/* Name the process in every line ("fcgi", "dispatch", "ctl"). */
void log_set_process(const char *name);

/* A free-form event: {"time","level","proc","pid","component","msg"}. */
void log_msg(enum log_level lvl, const char *component, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The per-request line. */
struct log_request {
	const char *request_id;
	const char *method;
	const char *path;
	int status;
	double duration_ms;
	const char *actor; /* "admin:alice", "key:12", "twilio", or NULL */
	const char *error; /* error code sent, or NULL */
};
/* Write the request line (the path cut to 256 bytes). */
void log_request(const struct log_request *r);

/* One delivery attempt of ibiki-dispatch.  Never the URL (it may carry a
 * token), the secret, the signatures or the body. */
struct log_attempt {
	long long outbox_id;
	const char *event_id;
	const char *kind; /* webhook | ack_sms */
	long long client_id;
	long long attempt;
	const char *host; /* destination host, or NULL */
	long http_status; /* 0: none */
	const char *outcome;
	double duration_ms;
	const char *error; /* or NULL */
};
/* Write the attempt line (the error cut to 300 bytes). */
void log_attempt(const struct log_attempt *a);

/* Log and abort the process; for conditions a worker cannot survive. */
void log_fatal(const char *component, const char *msg) __attribute__((noreturn));

#endif
