/*
 * Per-request arena.  See arena.h.  Blocks are singly linked, newest first;
 * a request that needs more than the first block gets blocks of at least
 * 64 KiB, each sized to fit the allocation that asked for it.
 */
#include "lib/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t used;
	max_align_t data[];
};

#define ALIGN	  (_Alignof(max_align_t))
#define MIN_BLOCK (64 * 1024)

static struct arena_block *block_new(struct arena *a, size_t size)
{
	struct arena_block *b;

	if (a->total + size > a->cap)
		log_fatal("arena", "request memory cap exceeded");
	b = malloc(sizeof(*b) + size);
	if (b == NULL)
		log_fatal("arena", "out of memory");
	b->next = NULL;
	b->size = size;
	b->used = 0;
	a->total += size;
	return b;
}

void arena_init(struct arena *a, size_t first, size_t cap)
{
	a->cap = cap;
	a->total = 0;
	a->first = block_new(a, first);
	a->head = a->first;
}

void arena_free(struct arena *a)
{
	struct arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = a->first = NULL;
	a->total = 0;
}

void arena_reset(struct arena *a)
{
	struct arena_block *b, *next;

	for (b = a->head; b != a->first; b = next) {
		next = b->next;
		a->total -= b->size;
		free(b);
	}
	a->head = a->first;
	a->first->used = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t need = (n + ALIGN - 1) & ~(ALIGN - 1);
	void *p;

	if (need < n)
		log_fatal("arena", "allocation size overflow");
	if (b->size - b->used < need) {
		b = block_new(a, need > MIN_BLOCK ? need : MIN_BLOCK);
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;
	char *p;

	/* Most strings are short: format once into the stack, copy. */
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		log_fatal("arena", "bad format");
	if ((size_t)n < sizeof(small))
		return arena_strndup(a, small, (size_t)n);
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
