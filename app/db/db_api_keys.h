/*
 * api_keys: client systems' Bearer keys, stored only as SHA-256 with a
 * visible prefix for people to recognise them.
 */
#ifndef IBIKI_DB_API_KEYS_H
#define IBIKI_DB_API_KEYS_H

#include "db/db.h"

struct api_key {
	long long id;
	long long client_id;
	const char *prefix;
	const char *label;
	const char *created_at;
	const char *revoked_at; /* NULL while active */
};

/* A new key of client_id by its hash and shown prefix (label NULL: none);
 * *id set. */
enum db_rc db_api_keys_insert(struct db *db, struct arena *a, long long client_id,
			      const unsigned char hash[32], const char *prefix, const char *label,
			      size_t label_len, long long *id);
/* The active key with this hash whose client is active; DB_NOTFOUND else. */
enum db_rc db_api_keys_lookup(struct db *db, struct arena *a, const unsigned char hash[32],
			      struct api_key *out);
/* DB_NOTFOUND unless key_id is an active key of client_id. */
enum db_rc db_api_keys_revoke(struct db *db, struct arena *a, long long client_id,
			      long long key_id);
/* Every key of client_id, revoked ones included, oldest first. */
enum db_rc db_api_keys_list(struct db *db, struct arena *a, long long client_id,
			    struct api_key **out, size_t *n);

#endif
