/*
 * Clocks and timestamps.  Public timestamps are ISO 8601 UTC with
 * milliseconds ("2025-01-15T14:23:45.123Z"); the database stores
 * DATETIME(3) in UTC ("2025-01-15 14:23:45.123").
 */
#ifndef IBIKI_LIB_TIMEUTIL_H
#define IBIKI_LIB_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic milliseconds, for durations. */
double timeutil_mono_ms(void);
/* Wall clock, seconds and milliseconds since the epoch. */
int64_t timeutil_now_s(void);
int64_t timeutil_now_ms(void);
/* Format epoch milliseconds / now as ISO 8601 UTC; out needs >= 25 bytes. */
void timeutil_iso_ms(int64_t ms, char *out, size_t n);
void timeutil_iso_now(char *out, size_t n);
/* Turn a DATETIME string "YYYY-MM-DD HH:MM:SS[.fff]" into ISO 8601 with
 * exactly three decimals and a Z; out needs >= 25 bytes.  Returns 0, or -1
 * when the input is not of that form (out is then ""). */
int timeutil_db_to_iso(const char *db, size_t len, char *out, size_t n);

#endif
