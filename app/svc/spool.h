/*
 * The spool: provider webhooks received while MariaDB cannot be reached
 * are kept on disk (written, fsynced, renamed into place, directory
 * fsynced) and answered 200, as providers expect; ibiki-dispatch imports
 * them when the database is back.  Each file is one JSON document:
 * {"kind": "twilio_incoming" | "twilio_status" | "extreme_incoming",
 *  "receivedAt": ISO 8601, "body": the raw request body}.
 */
#ifndef IBIKI_SVC_SPOOL_H
#define IBIKI_SVC_SPOOL_H

#include <stddef.h>

/* Write one request.  Returns 0, or -1 (with errno) when it could not be
 * made durable. */
int spool_write(const char *dir, const char *kind, const char *body, size_t len);

#endif
