/*
 * users: the phone numbers registered with a client (the seed's "users"),
 * active or inactive.  Always scoped by client.
 */
#ifndef IBIKI_DB_USERS_H
#define IBIKI_DB_USERS_H

#include "db/db.h"
#include "db/db_optouts.h"

struct user {
	long long id;
	const char *phone;
	const char *name;
	const char *status; /* active | inactive */
	const char *created_at;
	const char *updated_at;
	struct optout optout; /* the number's state (opted_out false: never) */
};

/* DB_DUP when the phone is already registered with this client. */
enum db_rc db_users_insert(struct db *db, struct arena *a, long long client_id, const char *phone,
			   const char *name, size_t name_len, const char *status);
/* DB_NOTFOUND when absent. */
enum db_rc db_users_get(struct db *db, struct arena *a, long long client_id, const char *phone,
			struct user *out);
/* status NULL: all.  Sorted by name, then phone. */
enum db_rc db_users_list(struct db *db, struct arena *a, long long client_id, const char *status,
			 struct user **out, size_t *n);
/* The users whose number has opted out, sorted like db_users_list. */
enum db_rc db_users_opted_out(struct db *db, struct arena *a, long long client_id,
			      struct user **out, size_t *n);
/* name or status NULL: unchanged.  DB_NOTFOUND when absent. */
enum db_rc db_users_update(struct db *db, struct arena *a, long long client_id, const char *phone,
			   const char *name, size_t name_len, const char *status);

#endif
