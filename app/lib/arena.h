/*
 * Per-request arena: a bump allocator whose memory belongs to one request
 * and is released all at once by arena_reset() when the request ends, so
 * handlers never free.  The first block is kept between requests; extra
 * blocks are returned to the system on reset.  Exhaustion (past the cap
 * given to arena_init, or malloc failure) is fatal to the process: a worker
 * is replaced by its master rather than half-handling a request.
 */
#ifndef IBIKI_LIB_ARENA_H
#define IBIKI_LIB_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;  /* current block (newest first) */
	struct arena_block *first; /* the block kept across resets */
	size_t total;		   /* bytes held in blocks */
	size_t cap;		   /* most bytes the arena may hold */
};

/* Prepare an arena with a first block of `first` bytes and a total cap. */
void arena_init(struct arena *a, size_t first, size_t cap);
/* Release every block, the first included. */
void arena_free(struct arena *a);
/* Forget every allocation; keep the first block. */
void arena_reset(struct arena *a);

/* Zeroed, max_align_t-aligned memory; never returns NULL (aborts). */
void *arena_alloc(struct arena *a, size_t n);
/* Copy of n bytes plus a NUL terminator. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
