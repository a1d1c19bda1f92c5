/*
 * Clocks and timestamps: monotonic milliseconds for durations, the wall
 * clock for records, and the two text forms (ISO 8601 with milliseconds and
 * Z for the API, MariaDB's DATETIME(3) text from the database).
 */
#include "lib/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

double timeutil_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int64_t timeutil_now_s(void)
{
	return (int64_t)time(NULL);
}

int64_t timeutil_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void timeutil_iso_ms(int64_t ms, char *out, size_t n)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

void timeutil_iso_now(char *out, size_t n)
{
	timeutil_iso_ms(timeutil_now_ms(), out, n);
}

int timeutil_db_to_iso(const char *db, size_t len, char *out, size_t n)
{
	size_t i;

	if (n < 25 || len < 19 || db[10] != ' ') {
		if (n > 0)
			out[0] = '\0';
		return -1;
	}
	memcpy(out, db, 19);
	out[10] = 'T';
	out[19] = '.';
	for (i = 0; i < 3; i++)
		out[20 + i] = (len > 20 + i && db[19] == '.') ? db[20 + i] : '0';
	out[23] = 'Z';
	out[24] = '\0';
	return 0;
}
