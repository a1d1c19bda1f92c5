/*
 * Integration fixtures shared by the message suites: a client with a
 * Twilio number, an operator, registered users, signed inbound messages.
 */
#ifndef IBIKI_IT_FIXTURE_H
#define IBIKI_IT_FIXTURE_H

#include <stdbool.h>
#include <sys/types.h>

#include "itest.h"

struct fixture {
	long long client;
	const char *number;   /* the client's Twilio number */
	const char *op_token; /* an operator of the client */
	const char *op_name;
};

/* A fresh random E.164 number in +1555 and seven random digits. */
const char *fx_phone(void);
/* A client with a Twilio route and an operator. */
struct fixture fx_new(const char *name);
/* Register phone with the client (status "active" or "inactive"). */
void fx_user(const struct fixture *f, const char *phone, const char *name, const char *status);
/* Percent-encode for a form. */
const char *fx_esc(const char *s);
/* The form of a Twilio inbound message. */
const char *fx_inbound_form(const char *sid, const char *from, const char *to, const char *body);
/* Post a signed inbound message; returns the MessageSid used. */
const char *fx_inbound(const char *from, const char *to, const char *body);

/* An Extreme route (usemodem, port[, number]) for the client. */
void fx_extreme_route(const struct fixture *f, int usemodem, int port, const char *number);
/* A fresh (usemodem, port) pair nobody routes. */
void fx_modem_port(int *usemodem, int *port);
/* Post an Extreme inbound message (token NULL: the right one). */
struct resp fx_extreme_inbound(const char *id, const char *from, const char *to,
			       const char *message, int usemodem, int port, const char *token);

/* --- a client's webhook receiver (tests/mock/webhook_receiver.py) --- */

#define FX_HOOK_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

/* The receiver's base URL. */
const char *fx_receiver(void);
/* Configure the receiver's path: its secret and its answers, in order
 * (NULL: 200 always). */
void fx_receiver_path(const char *path, const char *secret, const char *responses);
/* What the receiver got at path, oldest first. */
const struct json *fx_deliveries(const char *path, size_t *n);

/* A client in delivery mode `mode` whose webhook is the receiver at a
 * fresh path (secret FX_HOOK_SECRET), with an API key. */
struct hookfx {
	struct fixture f;
	const char *path;
	const char *key;
};
struct hookfx fx_hook_client(const char *name, const char *mode, const char *responses);

/* --- processes ---------------------------------------------------------- */

/* Stop (false) or start again (true) the stack's dispatcher loop. */
void fx_dispatch_loop(bool on);
/* Start `ibiki-dispatch ARGS` in the background (with extra environment
 * before it, e.g. "IBIKI_PUSH_ALLOW_LOOPBACK=false"); returns its pid. */
pid_t fx_dispatcher(const char *env, const char *args);
/* The worker pools' supervisor (ibiki-fcgi master), 0 if unknown. */
pid_t fx_fcgi_master(void);
/* The supervisor's children (the workers of both pools) into out (at most
 * max); returns how many. */
int fx_fcgi_workers(pid_t master, pid_t *out, int max);

#endif
