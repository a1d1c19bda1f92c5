/*
 * Importing the spool (svc/spool.h): each file is replayed through the same
 * request pipeline as the webhook it came from (its provider credential
 * was checked before it was written), so it is validated, routed, stored
 * and queued exactly as if it had arrived now; the message id makes the
 * replay idempotent.  A replayed file is removed; a file the pipeline
 * refuses is moved to bad/; while the database is down, files stay.
 */
#ifndef IBIKI_DISPATCH_SPOOL_H
#define IBIKI_DISPATCH_SPOOL_H

#include "lib/arena.h"
#include "lib/config.h"
#include "db/db.h"

/* Import what is spooled.  Returns how many files were imported, or -1
 * when the database is unavailable. */
long dispatch_spool_import(const struct config *cfg, struct db *db, struct arena *a);

#endif
