/*
 * client_profiles: the businesses that use Ibiki, with their delivery mode
 * (poll, push, both) and webhook.  Every function returns a db_rc; rows
 * are copied into the arena given in the result.
 */
#ifndef IBIKI_DB_CLIENTS_H
#define IBIKI_DB_CLIENTS_H

#include <stdbool.h>

#include "db/db.h"

struct client {
	long long id;
	const char *name;
	const char *status;
	const char *mode;	    /* poll | push | both */
	const char *webhook_url;    /* NULL when not set */
	const char *webhook_secret; /* NULL when not set */
	const char *created_at;	    /* DATETIME text */
	const char *updated_at;
	bool webhook_disabled;	    /* its endpoint answered 410 and was not registered again */
	const char *webhook_events; /* "sms.received,sms.status": what its webhook receives */
};

/* DB_DUP when the name is taken. */
enum db_rc db_clients_insert(struct db *db, struct arena *a, const char *name, size_t len,
			     long long *id);
/* DB_NOTFOUND when there is no such client. */
enum db_rc db_clients_get(struct db *db, struct arena *a, long long id, struct client *out);
/* By name (compared without case); DB_NOTFOUND when there is none. */
enum db_rc db_clients_get_by_name(struct db *db, struct arena *a, const char *name,
				  struct client *out);
/* Every client, by id. */
enum db_rc db_clients_list(struct db *db, struct arena *a, struct client **out, size_t *n);
/* DB_NOTFOUND when there is no such client. */
enum db_rc db_clients_set_mode(struct db *db, struct arena *a, long long id, const char *mode);
/* secret NULL: leave the secret as it is; events ("sms.received,sms.status")
 * NULL: keep them.  Registering again also lifts a 410's hold
 * (webhook_disabled). */
enum db_rc db_clients_set_webhook(struct db *db, struct arena *a, long long id, const char *url,
				  size_t ulen, const char *secret, const char *events);

/* name (len bytes) or status (active | disabled) NULL: unchanged.
 * DB_DUP when the name is taken, DB_NOTFOUND when there is no such client. */
enum db_rc db_clients_update(struct db *db, struct arena *a, long long id, const char *name,
			     size_t len, const char *status);
/* Remove the webhook: its URL, secret and a 410's hold.  Deliveries still
 * pending end dead ("no webhook URL is registered", dispatch_webhook.c);
 * they can be redelivered once one is registered again. */
enum db_rc db_clients_clear_webhook(struct db *db, struct arena *a, long long id);
/* The client's endpoint answered 410 Gone: hold its deliveries until the
 * webhook is registered again. */
enum db_rc db_clients_webhook_gone(struct db *db, long long id);

#endif
