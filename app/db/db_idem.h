/*
 * idempotency_keys: the first answer to a request carrying an
 * Idempotency-Key, kept 24 hours.
 */
#ifndef IBIKI_DB_IDEM_H
#define IBIKI_DB_IDEM_H

#include "db/db.h"

/* A claim still without an answer after this long belongs to a request
 * whose worker died: the key may be used again (no request runs longer
 * than a few provider timeouts). */
#define IDEM_STALE_S 300

struct idem_row {
	long long id;
	const unsigned char *hash; /* 32 bytes */
	int status_code;	   /* 0: still in progress */
	const char *response;
	size_t response_len;
	long long age_s;
};

/* Claim the key: DB_OK when this request is the first (row id set),
 * DB_DUP when a row exists (*existing filled). */
enum db_rc db_idem_claim(struct db *db, struct arena *a, long long client_id, const char *scope,
			 const char *key, const unsigned char hash[32], long long *id,
			 struct idem_row *existing);
/* Store the answer of the request that claimed row id. */
enum db_rc db_idem_store(struct db *db, struct arena *a, long long id, int status,
			 const char *response, size_t len);
/* Delete a claim: the request ended without an answer worth keeping, or
 * the row outlived [retention] idempotency_hours and the key may be claimed afresh. */
enum db_rc db_idem_release(struct db *db, struct arena *a, long long id);

#endif
