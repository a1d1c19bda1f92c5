/*
 * push_outbox.  See db_outbox.h.
 */
#include "db_outbox.h"

#include <string.h>

#include "crypto.h"
#include "enc.h"

static const struct db_sql Q_COUNTS = {
	"outbox_counts",
	"SELECT SUM(status = 'pending'), SUM(status = 'dead'), SUM(status = 'delivered')"
	" FROM push_outbox WHERE client_id = ? AND kind = 'webhook'"};
/* The last attempt that ended: a delivery, or a failure with its status. */
static const struct db_sql Q_LAST = {
	"outbox_last",
	"SELECT updated_at, last_http_status, status = 'delivered', last_error FROM push_outbox"
	" WHERE client_id = ? AND kind = 'webhook' AND attempts > 0"
	" AND (status <> 'pending' OR last_error IS NOT NULL OR last_http_status IS NOT NULL)"
	" ORDER BY updated_at DESC, id DESC LIMIT 1"};

void db_outbox_new_event_id(char *out)
{
	unsigned char r[12];

	crypto_random(r, sizeof(r));
	memcpy(out, "evt_", 4);
	enc_hex(r, sizeof(r), out + 4);
}

enum db_rc db_outbox_summary(struct db *db, struct arena *a, long long client_id,
			     struct outbox_summary *out)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_COUNTS, &res, DBI(client_id));

	memset(out, 0, sizeof(*out));
	if (rc != DB_OK)
		return rc;
	if (res.nrows == 1) {
		out->pending = DB_AT(&res, 0, 0)->i;
		out->dead = DB_AT(&res, 0, 1)->i;
		out->delivered = DB_AT(&res, 0, 2)->i;
	}
	rc = DB_EXEC(db, &Q_LAST, &res, DBI(client_id));
	if (rc != DB_OK)
		return rc;
	if (res.nrows == 1) {
		out->has_last = true;
		out->last_at = DB_AT(&res, 0, 0)->s;
		out->last_status = DB_AT(&res, 0, 1)->null ? 0 : DB_AT(&res, 0, 1)->i;
		out->last_ok = DB_AT(&res, 0, 2)->i != 0;
		out->last_error = DB_AT(&res, 0, 3)->s;
	}
	return DB_OK;
}
