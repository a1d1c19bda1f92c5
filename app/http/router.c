/*
 * Route matching: a linear scan over a few dozen routes, comparing segment
 * by segment without copying; placeholders are copied into the arena only
 * for the route that matches.  A path known under another method collects
 * the methods for the Allow header of a 405.
 */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

/* Whether path matches pattern; captures placeholders when caps != NULL. */
static bool match(const char *pat, const char *path, const char *caps[REQ_MAX_PARAMS],
		  struct arena *a)
{
	int ncap = 0;

	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return false;
		pat++;
		path++;
		if (*pat == '{') {
			const char *pend = strchr(pat, '/');
			const char *send = strchr(path, '/');
			size_t slen = send ? (size_t)(send - path) : strlen(path);

			if (slen == 0 || ncap >= REQ_MAX_PARAMS)
				return false;
			if (caps != NULL)
				caps[ncap] = arena_strndup(a, path, slen);
			ncap++;
			pat = pend ? pend : pat + strlen(pat);
			path += slen;
		} else {
			while (*pat && *pat != '/') {
				if (*pat != *path)
					return false;
				pat++;
				path++;
			}
			if (*path && *path != '/')
				return false;
		}
	}
	return *pat == '\0' && *path == '\0';
}

enum route_result router_match(const struct route *table, size_t n, enum method m, const char *path,
			       const struct route **out, const char *params[REQ_MAX_PARAMS],
			       struct arena *a, char *allow, size_t allowlen)
{
	size_t i, used = 0;
	bool path_seen = false;
	enum method lookup = m == M_HEAD ? M_GET : m;

	if (allowlen > 0)
		allow[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!match(table[i].pattern, path, NULL, NULL))
			continue;
		if (table[i].method == lookup) {
			match(table[i].pattern, path, params, a);
			*out = &table[i];
			return ROUTE_FOUND;
		}
		path_seen = true;
		if (used < allowlen) {
			int k = snprintf(allow + used, allowlen - used, "%s%s", used ? ", " : "",
					 req_method_name(table[i].method));
			if (k > 0)
				used += (size_t)k;
		}
	}
	return path_seen ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}
