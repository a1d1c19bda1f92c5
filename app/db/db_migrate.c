/*
 * The migration runner: lists sql/NNN_*.sql, takes the migration lock, and
 * applies in number order each file not yet in schema_migrations (by
 * db_script, several statements per file), recording its SHA-256.  A file
 * whose checksum changed since it was applied is reported, never re-run.
 *
 * The lock is a row, not GET_LOCK: a named lock is held on one server
 * only, and on a Galera cluster two runners on two nodes would both get
 * it.  A row's insert is certified cluster-wide: one runner's commits, the
 * other's is a duplicate (or fails certification) and waits.  The holder
 * renews it before each file and stops if it lost it; a runner that died
 * holding it is outlived: a lock not renewed for an hour (one file's run,
 * say an index over a large table) is taken over.  (The DDL itself
 * replicates in total order, TOI.)
 */
#include "db/db_migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/crypto.h"
#include "lib/enc.h"

#define MAX_FILES 512
#define MAX_SQL	  (1024 * 1024)

static const char create_table[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
				   " version INT UNSIGNED NOT NULL PRIMARY KEY,"
				   " name VARCHAR(200) NOT NULL,"
				   " checksum CHAR(64) NOT NULL,"
				   " applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
				   ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

static const char create_lock[] = "CREATE TABLE IF NOT EXISTS schema_lock ("
				  " id TINYINT UNSIGNED NOT NULL PRIMARY KEY,"
				  " holder VARCHAR(300) NOT NULL,"
				  " taken_at DATETIME(3) NOT NULL"
				  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

#define LOCK_WAIT_S 60

static const struct db_sql Q_LOCK = {
	"migrate_lock", "INSERT INTO schema_lock (id, holder, taken_at) VALUES (1, ?, NOW(3))"};
static const struct db_sql Q_LOCK_STALE = {
	"migrate_lock_stale",
	"DELETE FROM schema_lock WHERE id = 1 AND taken_at < NOW(3) - INTERVAL 1 HOUR"};
static const struct db_sql Q_LOCK_KEEP = {
	"migrate_lock_keep",
	"UPDATE schema_lock SET taken_at = NOW(3) WHERE id = 1 AND holder = ?"};
static const struct db_sql Q_UNLOCK = {"migrate_unlock",
				       "DELETE FROM schema_lock WHERE id = 1 AND holder = ?"};
static const struct db_sql Q_APPLIED = {"migrate_applied",
					"SELECT checksum FROM schema_migrations WHERE version = ?"};
static const struct db_sql Q_RECORD = {
	"migrate_record",
	"INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)"};

struct file {
	unsigned version;
	char name[256];
};

/* Take the lock as holder, waiting up to LOCK_WAIT_S for another runner. */
static bool take_lock(struct db *db, const char *holder)
{
	int i;

	for (i = 0; i < LOCK_WAIT_S; i++) {
		enum db_rc rc = DB_EXEC(db, &Q_LOCK, NULL, DBZ(holder));

		if (rc == DB_OK)
			return true;
		if (rc != DB_DUP && rc != DB_RETRY)
			return false;
		if (rc == DB_DUP && i == 0)
			db_exec(db, &Q_LOCK_STALE, NULL, 0, NULL);
		sleep(1);
	}
	return false;
}

static int cmp_file(const void *a, const void *b)
{
	const struct file *x = a, *y = b;

	return x->version < y->version ? -1 : x->version > y->version;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *p;
	size_t n;

	if (f == NULL)
		return NULL;
	p = malloc(MAX_SQL + 1);
	if (p == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(p, 1, MAX_SQL, f);
	fclose(f);
	p[n] = '\0';
	*len = n;
	return p;
}

static int list_files(const char *dir, struct file *files, size_t *n, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*n = 0;
	if (d == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		char *end;
		unsigned long v;

		if (l < 5 || strcmp(e->d_name + l - 4, ".sql") != 0)
			continue;
		v = strtoul(e->d_name, &end, 10);
		if (end == e->d_name || *end != '_' || l >= sizeof(files[0].name))
			continue;
		if (*n == MAX_FILES)
			break;
		files[*n].version = (unsigned)v;
		snprintf(files[*n].name, sizeof(files[0].name), "%s", e->d_name);
		(*n)++;
	}
	closedir(d);
	qsort(files, *n, sizeof(files[0]), cmp_file);
	return 0;
}

int db_migrate_run(struct db *db, const char *dir, FILE *out, char *err, size_t errlen)
{
	static struct file files[MAX_FILES];
	struct arena a;
	size_t i, n;
	int applied = 0, ret = -1;
	bool locked = false;
	struct db_res res;
	char host[256] = "", holder[300];

	arena_init(&a, 64 * 1024, 64 * 1024 * 1024);
	if (list_files(dir, files, &n, err, errlen) < 0)
		goto out;
	if (db_script(db, create_table, err, errlen) != DB_OK ||
	    db_script(db, create_lock, err, errlen) != DB_OK)
		goto out;
	gethostname(host, sizeof(host) - 1);
	snprintf(holder, sizeof(holder), "%s:%ld", host, (long)getpid());
	if (!take_lock(db, holder)) {
		snprintf(err, errlen, "could not take the migration lock (schema_lock) in %d s",
			 LOCK_WAIT_S);
		goto out;
	}
	locked = true;
	for (i = 0; i < n; i++) {
		unsigned char sum[CRYPTO_SHA256_LEN];
		char hex[65], path[4096];
		size_t len;
		char *sql;
		enum db_rc rc;

		res = (struct db_res){.a = &a};
		if (db_matched(DB_EXEC(db, &Q_LOCK_KEEP, &res, DBZ(holder)), &res) != DB_OK) {
			snprintf(err, errlen, "lost the migration lock (schema_lock) before %s",
				 files[i].name);
			locked = false;
			goto out;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		sql = read_all(path, &len);
		if (sql == NULL) {
			snprintf(err, errlen, "cannot read %s", path);
			goto out;
		}
		crypto_sha256(sql, len, sum);
		enc_hex(sum, sizeof(sum), hex);
		res = (struct db_res){.a = &a};
		rc = DB_EXEC(db, &Q_APPLIED, &res, DBI(files[i].version));
		if (rc != DB_OK) {
			free(sql);
			snprintf(err, errlen, "cannot read schema_migrations: %s", db_strerror(rc));
			goto out;
		}
		if (res.nrows == 1) {
			if (strcmp(DB_AT(&res, 0, 0)->s, hex) != 0)
				fprintf(out,
					"warning: %s changed since it was applied (not re-run)\n",
					files[i].name);
			free(sql);
			continue;
		}
		fprintf(out, "applying %s\n", files[i].name);
		rc = db_script(db, sql, err, errlen);
		free(sql);
		if (rc != DB_OK)
			goto out;
		rc = DB_EXEC(db, &Q_RECORD, NULL, DBI(files[i].version), DBZ(files[i].name),
			     DBZ(hex));
		if (rc != DB_OK) {
			snprintf(err, errlen, "cannot record %s: %s", files[i].name,
				 db_strerror(rc));
			goto out;
		}
		applied++;
	}
	ret = applied;
out:
	if (locked)
		DB_EXEC(db, &Q_UNLOCK, NULL, DBZ(holder));
	arena_free(&a);
	return ret;
}
