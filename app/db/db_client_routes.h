/*
 * client_routes: which client receives an inbound message, by Twilio
 * number or by Extreme (usemodem, port) pair or number.
 */
#ifndef IBIKI_DB_CLIENT_ROUTES_H
#define IBIKI_DB_CLIENT_ROUTES_H

#include "db/db.h"

struct client_route {
	long long id;
	long long client_id;
	const char *provider; /* twilio | extreme */
	const char *number;   /* NULL when none */
	long long usemodem;   /* -1 when none */
	long long port;	      /* -1 when none */
	const char *created_at;
	long long mps; /* messages per second; -1: [upstream] default_mps; 0: unthrottled */
};

/* usemodem/port < 0: none; mps < 0: the default rate.  DB_DUP when the
 * number or pair is taken. */
enum db_rc db_client_routes_insert(struct db *db, struct arena *a, long long client_id,
				   const char *provider, const char *number, long long usemodem,
				   long long port, long long mps, long long *id);
/* Set route id's rate (mps < 0: the default).  DB_NOTFOUND when the client
 * has no such route. */
enum db_rc db_client_routes_set_mps(struct db *db, struct arena *a, long long client_id,
				    long long id, long long mps);
/* Remove route id of client_id: its number or modem/port routes nothing
 * from then on (inbound to it is stored unrouted).  DB_NOTFOUND when the
 * client has no such route. */
enum db_rc db_client_routes_delete(struct db *db, struct arena *a, long long client_id,
				   long long id);
/* Every route of client_id, oldest first. */
enum db_rc db_client_routes_list(struct db *db, struct arena *a, long long client_id,
				 struct client_route **out, size_t *n);
/* Route id of client_id; DB_NOTFOUND when there is none. */
enum db_rc db_client_routes_get(struct db *db, struct arena *a, long long client_id, long long id,
				struct client_route *out);
/* The Extreme route of (usemodem, port); DB_NOTFOUND when unrouted. */
enum db_rc db_client_routes_by_modem(struct db *db, struct arena *a, long long usemodem,
				     long long port, struct client_route *out);

#endif
