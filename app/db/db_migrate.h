/*
 * Schema migrations: sql/NNN_name.sql files, applied in number order, each
 * once, recorded in schema_migrations (version, name, checksum, time).
 * Forward-only: a file already applied is never run again, and a changed
 * checksum is reported, not acted on.  A named lock makes concurrent runs
 * (several hosts deploying at once) wait for each other.
 */
#ifndef IBIKI_DB_MIGRATE_H
#define IBIKI_DB_MIGRATE_H

#include <stdio.h>

#include "db/db.h"

/* Apply what is pending in dir, reporting each step to out.  Returns the
 * number applied, or -1 with a message in err. */
int db_migrate_run(struct db *db, const char *dir, FILE *out, char *err, size_t errlen);

#endif
