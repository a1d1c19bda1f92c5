/*
 * A fake request for unit tests of the request layers: a struct req with
 * its own arena and response buffer, the default configuration (with a
 * test JWT secret and Twilio/Extreme credentials) and a database handle
 * pointed at a socket that does not exist -- so every answer a test sees
 * is decided before or without the database, or is the database-down
 * answer.  One fixture per test binary, set up by the suites that use it.
 */
#ifndef IBIKI_TEST_FAKE_H
#define IBIKI_TEST_FAKE_H

#include <stdbool.h>

#include "db/db.h"
#include "http/req.h"
#include "lib/arena.h"
#include "lib/config.h"

#define FAKE_JWT_SECRET	   "unit-test-secret-unit-test-secret-0123456789"
#define FAKE_TWILIO_SID	   "AC0123456789abcdef0123456789abcdef"
#define FAKE_TWILIO_TOKEN  "unit-twilio-token"
#define FAKE_EXTREME_TOKEN "unit-extreme-token-0123"
#define FAKE_PUBLIC_BASE   "https://sms.example.com"

extern struct config fake_cfg;
extern struct db *fake_db;
extern struct arena fake_arena;

/* CUnit suite setup and teardown: 0 on success. */
int fake_setup(void);
int fake_teardown(void);

/* A fresh request (the arena and buffer reset): method, path (also the
 * raw URI), content type and body (NULL: none). */
struct req *fake_req(enum method m, const char *path, const char *ctype, const char *body);

/* Asserts that r's body is an error object {"error": code, "message"}. */
void fake_assert_error(struct req *r, const char *code);
/* Whether r has a response header starting with prefix. */
bool fake_has_header(const struct req *r, const char *prefix);

#endif
