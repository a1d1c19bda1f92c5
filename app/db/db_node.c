/*
 * Where a connection goes: the nodes of [database] hosts, and one
 * connection to one node (db.c picks which; see its header comment).
 */
#include "db/db_node.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

/* See db_node.h.  Entry i of a hosts list ("unix:/path", "/path",
 * "host:port" or "host"); false when there is no entry i or it does not
 * fit. */
bool db_node_at(const char *hosts, size_t i, unsigned int port, struct db_node *out)
{
	const char *p = hosts, *e, *colon;
	size_t n;

	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			return false;
		e = p + strcspn(p, ",");
		while (e > p && e[-1] == ' ')
			e--;
		if (i-- == 0)
			break;
		p = e;
	}
	n = (size_t)(e - p);
	memset(out, 0, sizeof(*out));
	out->port = port;
	if (n > 5 && strncmp(p, "unix:", 5) == 0) {
		p += 5;
		n -= 5;
	}
	if (*p == '/') {
		if (n >= sizeof(out->socket))
			return false;
		memcpy(out->socket, p, n);
		return true;
	}
	colon = memchr(p, ':', n);
	if (colon != NULL) {
		char *end;
		unsigned long v = strtoul(colon + 1, &end, 10);

		if (end != e || v == 0 || v > 65535)
			return false;
		out->port = (unsigned int)v;
		n = (size_t)(colon - p);
	}
	if (n == 0 || n >= sizeof(out->host))
		return false;
	memcpy(out->host, p, n);
	return true;
}

size_t db_node_count(const struct config *c)
{
	struct db_node tmp;
	size_t n = 0, commas = 0;
	const char *p;

	if (c->database.hosts == NULL ||
	    strspn(c->database.hosts, " ,") == strlen(c->database.hosts))
		return 0;
	while (db_node_at(c->database.hosts, n, 0, &tmp))
		n++;
	for (p = c->database.hosts; *p != '\0'; p++)
		commas += *p == ',';
	if (n < commas + 1)
		log_msg(LOG_ERROR, "db",
			"[database] hosts: entry %zu cannot be read (unix:/path or"
			" host:port); the entries after it are not used",
			n + 1);
	return n;
}

/* Is the node synced and taking queries?  A Galera node that is joining,
 * or cut off from the primary component, answers 1047 to them; a donor
 * (wsrep_local_state 2, under the read lock of an rsync SST) hangs them. */
static bool node_ready(MYSQL *m)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int ok = 0;

	if (mysql_query(m, "SHOW STATUS WHERE Variable_name IN ('wsrep_ready', "
			   "'wsrep_local_state')") != 0)
		return false;
	res = mysql_store_result(m);
	if (res == NULL)
		return false;
	while ((row = mysql_fetch_row(res)) != NULL) {
		if (row[0] == NULL || row[1] == NULL)
			continue;
		if (strcmp(row[0], "wsrep_ready") == 0 && strcmp(row[1], "ON") == 0)
			ok++;
		if (strcmp(row[0], "wsrep_local_state") == 0 && strcmp(row[1], "4") == 0)
			ok++;
	}
	mysql_free_result(res);
	return ok == 2;
}

/* A connection to node nd (cluster: synced, reading causally) within
 * timeout seconds for each step, or NULL. */
MYSQL *db_node_connect(const struct config *c, const struct db_node *nd, bool cluster,
		       unsigned int timeout)
{
	my_bool off = 0;
	char init[400];
	MYSQL *m = mysql_init(NULL);

	if (m == NULL)
		log_fatal("db", "out of memory");
	mysql_optionsv(m, MYSQL_OPT_RECONNECT, &off);
	mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* The server gives up first (a lock wait, a statement that runs too
	 * long: an error the caller sees), before the client's read timeout
	 * takes the connection down. */
	snprintf(init, sizeof(init),
		 "SET time_zone='+00:00', sql_mode='STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,"
		 "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO',"
		 " innodb_lock_wait_timeout=%ld, max_statement_time=%.1f%s",
		 c->database.timeout_s > 1 ? c->database.timeout_s - 1 : 1,
		 c->database.timeout_s > 1 ? (double)c->database.timeout_s - 0.5 : 0.8,
		 cluster ? ", wsrep_sync_wait=1" : "");
	mysql_optionsv(m, MYSQL_INIT_COMMAND, init);
	if (mysql_real_connect(m, nd->socket[0] ? NULL : nd->host, c->database.user,
			       c->database.password, c->database.name, nd->port,
			       nd->socket[0] ? nd->socket : NULL, CLIENT_FOUND_ROWS) == NULL) {
		log_msg(LOG_WARN, "db", "connect to %s failed: %u %s",
			nd->socket[0] ? nd->socket : nd->host, mysql_errno(m), mysql_error(m));
		mysql_close(m);
		return NULL;
	}
	if (cluster && !node_ready(m)) {
		log_msg(LOG_WARN, "db", "%s is not synced (wsrep_ready is not ON)",
			nd->socket[0] ? nd->socket : nd->host);
		mysql_close(m);
		return NULL;
	}
	return m;
}
