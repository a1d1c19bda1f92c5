/*
 * push_outbox.  See db_outbox.h.
 */
#include "db_outbox.h"

#include <string.h>

#include "crypto.h"
#include "enc.h"

static const struct db_sql Q_ENQUEUE = {
	"outbox_enqueue",
	"INSERT INTO push_outbox (event_id, kind, client_id, incoming_id, payload)"
	" VALUES (?, ?, ?, ?, ?)"};

void db_outbox_new_event_id(char *out)
{
	unsigned char r[12];

	crypto_random(r, sizeof(r));
	memcpy(out, "evt_", 4);
	enc_hex(r, sizeof(r), out + 4);
}

enum db_rc db_outbox_enqueue(struct db *db, struct arena *a, const char *event_id,
			     const char *kind, long long client_id, long long incoming_id,
			     const char *payload, size_t len)
{
	(void)a;
	return DB_EXEC(db, &Q_ENQUEUE, NULL, DBZ(event_id), DBZ(kind),
		       client_id > 0 ? DBI(client_id) : DBNULL,
		       incoming_id > 0 ? DBI(incoming_id) : DBNULL, DBS(payload, len));
}
