/*
 * What the provider client needs of HTTP whatever the transport: the
 * Retry-After header of an answer.  See httpc.h.
 */
#include "upstream/httpc.h"

#include <string.h>
#include <strings.h>

void httpc_retry_after(const char *p, size_t len, char *out, size_t outlen)
{
	size_t i = 12, l;

	if (len <= 12 || strncasecmp(p, "Retry-After:", 12) != 0)
		return;
	while (i < len && p[i] == ' ')
		i++;
	for (l = 0; i + l < len && p[i + l] != '\r' && p[i + l] != '\n'; l++)
		;
	if (l >= outlen)
		l = outlen - 1;
	memcpy(out, p + i, l);
	out[l] = '\0';
}
