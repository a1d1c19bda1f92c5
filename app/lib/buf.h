/*
 * Growable byte buffer with a ceiling (after curl's dynbuf): appends past
 * `max` fail and leave the buffer as it was, so a response, a webhook body
 * or an upstream reply can never grow without bound.  The bytes are always
 * NUL-terminated.  The buffer owns its memory: buf_free releases it,
 * buf_reset keeps it for reuse.
 */
#ifndef IBIKI_LIB_BUF_H
#define IBIKI_LIB_BUF_H

#include <stddef.h>

struct buf {
	char *p;
	size_t len;
	size_t size;
	size_t max;
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
/* Empty the buffer; release its memory if it grew past `keep` bytes. */
void buf_reset(struct buf *b, size_t keep);

/* Each returns 0, or -1 when the ceiling would be exceeded; on -1 the
 * buffer is unchanged.  Running out of memory is fatal to the process
 * (log_fatal), as for the arena: a worker is replaced rather than answer
 * half a request. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addz(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
