/*
 * The bounded buffer: growth doubles up to the ceiling, an append that
 * would pass it fails and leaves the buffer as it was, and a failed
 * allocation ends the process (log_fatal).
 */
#include "lib/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

void buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = b->size = 0;
	b->max = max;
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->size = 0;
}

void buf_reset(struct buf *b, size_t keep)
{
	if (b->size > keep) {
		free(b->p);
		b->p = NULL;
		b->size = 0;
	}
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

static int grow(struct buf *b, size_t extra)
{
	size_t need, size;
	char *p;

	if (extra > b->max || b->len > b->max - extra)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->size)
		return 0;
	size = b->size ? b->size : 256;
	while (size < need)
		size *= 2;
	if (size > b->max + 1)
		size = b->max + 1;
	p = realloc(b->p, size);
	if (p == NULL)
		log_fatal("buf", "out of memory");
	b->p = p;
	b->size = size;
	return 0;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
	if (grow(b, n) < 0)
		return -1;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int buf_addz(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return buf_add(b, small, (size_t)n);
	if (grow(b, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}
