/*
 * Integration-test helpers: HTTPS requests to the running stack through
 * nginx (libcurl, verifying the stack's own certificate), JSON answers
 * parsed with Ibiki's strict reader, and access to the stack's tools
 * (ibikictl, tools/stack) for setup and for killing things.
 *
 * The stack is described by the environment tools/stack test sets:
 * IBIKI_TEST_URL, IBIKI_TEST_CONF, IBIKI_TEST_CTL, IBIKI_TEST_ROOT,
 * IBIKI_STACK_DIR, IBIKI_ADMIN_PASSWORD (and the mocks' addresses).
 */
#ifndef IBIKI_ITEST_H
#define IBIKI_ITEST_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"
#include "lib/json.h"

struct resp {
	long status;
	char *body; /* NUL-terminated; in the test arena */
	size_t len;
	char *headers;		 /* raw response header lines */
	const struct json *json; /* NULL when the body is not JSON */
};

/* Memory for answers; reset by each suite's cleanup. */
extern struct arena it_arena;

/* Send a request.  hdrs: NULL-terminated "Name: value" lines or NULL.
 * body NULL: no body.  Returns the answer (status 0 on a transport error). */
struct resp it_req(const char *method, const char *path, const char *const *hdrs, const char *ctype,
		   const char *body, size_t blen);
/* Shorthands: JSON body; bearer may be NULL. */
struct resp it_get(const char *path, const char *bearer);
struct resp it_post(const char *path, const char *bearer, const char *json);
struct resp it_delete(const char *path, const char *bearer);
struct resp it_patch(const char *path, const char *bearer, const char *json);

/* Member access on an answer: string value or NULL; integer or -1. */
const char *it_str(const struct resp *r, const char *key);
long long it_int(const struct resp *r, const char *key);
const struct json *it_member(const struct json *obj, const char *key);
/* Whether the answer is an error object {"error": code, "message": ...}. */
bool it_is_error(const struct resp *r, const char *code);
/* A response header's value (first match, case-insensitive), or NULL. */
const char *it_header(const struct resp *r, const char *name);

/* printf into the test arena. */
char *it_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A fresh name: prefix + random hex. */
char *it_unique(const char *prefix);
/* Run a shell command, return its first output line (arena) or NULL on
 * failure; stdin_text (or NULL) is fed to it. */
char *it_sh(const char *stdin_text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ibikictl with the stack's config. */
#define IT_CTL "\"$IBIKI_TEST_CTL\" -c \"$IBIKI_TEST_CONF\""

/* Tokens and fixtures. */
const char *it_admin_token(void); /* cached: ibikictl token admin */
long long it_new_client(const char *name_prefix);
const char *it_new_key(long long client_id);
/* A new operator account for client, returning its token; *username set. */
const char *it_new_operator(long long client_id, const char **username);

/* A request to a full URL over plain HTTP (the mocks' control API). */
struct resp it_url(const char *method, const char *url, const char *ctype, const char *body);
/* The recorded requests of a mock (filter: "?to=..." or ""), as a JSON
 * array, and how many there are. */
const struct json *it_mock_requests(const char *base, const char *filter, size_t *n);
void it_mock_reset(const char *base);

/* A signed Twilio webhook: form is the raw body; sig NULL signs it with
 * the stack's auth token over public URL + path ("" sends no header). */
struct resp it_twilio_post(const char *path, const char *form, const char *sig);
/* The Twilio signature of form for path, as the stack checks it. */
const char *it_twilio_sig(const char *path, const char *form, const char *token);

/* One value from the stack's MariaDB (first column of the first row), or
 * NULL: for checks the API does not show (outbox rows, raw columns). */
char *it_sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Wait up to ms for the first value of the query (built like it_sql) to be
 * want, polling every 100 ms: a positive signal from the database. */
bool it_wait_sql(const char *want, int ms, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* n identical requests at once (curl multi); returns how many got want. */
int it_parallel(int n, const char *method, const char *path, const char *const *hdrs,
		const char *ctype, const char *body, long want);

/* In a forked child: a fresh HTTP handle (the parent's connections must
 * not be shared). */
void it_after_fork(void);

/* Whether the stack allows loopback webhook destinations ([push]
 * allow_loopback, on in test stacks so that the receiver mock works). */
bool it_loopback_allowed(void);

/* Environment value or abort the test run. */
const char *it_env(const char *name);

/* Wait up to ms for pred to hold, polling every 100 ms. */
bool it_wait(bool (*pred)(void *), void *arg, int ms);

/* Suites (one file each). */
void it_suite_foundation(void);
void it_suite_twilio(void);
void it_suite_operator(void);
void it_suite_v2(void);
void it_suite_dispatch(void);
void it_suite_outbound(void);
void it_suite_hardening(void);
void it_suite_summary(void);
void it_suite_retention(void);
void it_suite_optout(void);
void it_suite_admin(void);
void it_suite_inbox(void);
void it_suite_resilience(void);

#endif
