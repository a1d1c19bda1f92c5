/*
 * The nodes of [database] hosts and a connection to one of them: for
 * db.c only (the connection's owner).
 */
#ifndef IBIKI_DB_NODE_H
#define IBIKI_DB_NODE_H

#include <mysql.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/config.h"

/* Where to connect: a host and port, or a unix socket. */
struct db_node {
	char host[256];
	char socket[512];
	unsigned int port;
};

/* Entry i of a comma-separated hosts list ("unix:/path", "/path",
 * "host:port" or "host"); false when there is no entry i or it does not
 * fit. */
bool db_node_at(const char *hosts, size_t i, unsigned int port, struct db_node *out);

/* How many entries [database] hosts has (0: none; use host/socket); a bad
 * entry is logged and ends the list. */
size_t db_node_count(const struct config *c);

/* A connection to node nd (cluster: synced, reading causally) within
 * timeout seconds for each step, or NULL (logged). */
MYSQL *db_node_connect(const struct config *c, const struct db_node *nd, bool cluster,
		       unsigned int timeout);

#endif
