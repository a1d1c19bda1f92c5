/*
 * The status table, generated from STATUS_LIST, and its lookups; a value
 * outside the list reads as 500 so no caller can print a status line that
 * does not exist.
 */
#include "http/status.h"

#include <stddef.h>

static const struct {
	int code;
	const char *reason;
	const char *error;
} table[ST__MAX] = {
#define X(name, code, reason, err) [ST_##name] = {code, reason, err},
	STATUS_LIST(X)
#undef X
};

int status_code(enum status s)
{
	return s < ST__MAX ? table[s].code : 500;
}

const char *status_reason(enum status s)
{
	return s < ST__MAX ? table[s].reason : "Internal Server Error";
}

const char *status_error(enum status s)
{
	return s < ST__MAX ? table[s].error : "internal_error";
}

enum status status_from_code(int code)
{
	int s;

	for (s = 0; s < ST__MAX; s++)
		if (table[s].code == code)
			return (enum status)s;
	return ST_INTERNAL;
}
