/*
 * Integration fixtures shared by the message suites: a client with a
 * Twilio number, an operator, registered users, signed inbound messages.
 */
#ifndef IBIKI_IT_FIXTURE_H
#define IBIKI_IT_FIXTURE_H

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

#endif
