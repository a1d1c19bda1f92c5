/*
 * accounts: admins and operators who log in with a password.
 */
#ifndef IBIKI_DB_ACCOUNTS_H
#define IBIKI_DB_ACCOUNTS_H

#include "db/db.h"

struct account {
	long long id;
	const char *username;
	const char *password_hash;
	const char *role;    /* admin | operator */
	long long client_id; /* 0 for admins */
	const char *display_name;
	const char *status; /* active | disabled */
	const char *created_at;
	const char *client_status; /* the operator's client: active | disabled; NULL for admins */
};

/* client_id 0: none.  DB_DUP when the username is taken. */
enum db_rc db_accounts_insert(struct db *db, struct arena *a, const char *username,
			      const char *hash, const char *role, long long client_id,
			      const char *display_name, long long *id);
/* DB_NOTFOUND when absent. */
enum db_rc db_accounts_get_by_username(struct db *db, struct arena *a, const char *username,
				       struct account *out);
enum db_rc db_accounts_get_by_id(struct db *db, struct arena *a, long long id, struct account *out);
/* Every account (client_id 0), or the client's operators, by id. */
enum db_rc db_accounts_list(struct db *db, struct arena *a, long long client_id,
			    struct account **out, size_t *n);
/* status (active | disabled), hash or display_name NULL: unchanged.
 * DB_NOTFOUND when there is no such account. */
enum db_rc db_accounts_update(struct db *db, struct arena *a, long long id, const char *status,
			      const char *hash, const char *display_name);
enum db_rc db_accounts_set_password(struct db *db, struct arena *a, const char *username,
				    const char *hash);

#endif
