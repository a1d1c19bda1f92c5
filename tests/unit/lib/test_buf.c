/*
 * buf.c and arena.c: the ceiling holds and failure leaves things intact;
 * the arena hands out zeroed, aligned memory and resets.
 */
#include <stdint.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "suites.h"
#include "test.h"

static void buf_ceiling_leaves_buffer_unchanged(void)
{
	struct buf b;

	buf_init(&b, 10);
	CU_ASSERT_EQUAL(buf_addz(&b, "0123456789"), 0);
	CU_ASSERT_EQUAL(buf_addc(&b, 'x'), -1);
	CU_ASSERT_EQUAL(b.len, 10);
	ASSERT_STR(b.p, "0123456789");
	buf_free(&b);
}

static void buf_printf_grows(void)
{
	struct buf b;
	char big[600];

	memset(big, 'z', 599);
	big[599] = '\0';
	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(buf_printf(&b, "[%s]", big), 0);
	CU_ASSERT_EQUAL(b.len, 601);
	CU_ASSERT_EQUAL(b.p[600], ']');
	buf_free(&b);
}

static void arena_is_zeroed_aligned_and_resets(void)
{
	struct arena a;
	char *p, *q;

	arena_init(&a, 256, 1 << 20);
	p = arena_alloc(&a, 3);
	q = arena_alloc(&a, 100000); /* beyond the first block */
	CU_ASSERT_EQUAL((uintptr_t)q % _Alignof(max_align_t), 0);
	CU_ASSERT_EQUAL(q[99999], 0);
	CU_ASSERT_EQUAL(p[0] | p[1] | p[2], 0);
	arena_reset(&a);
	CU_ASSERT_EQUAL(a.total, 256);
	ASSERT_STR(arena_printf(&a, "%d-%s", 7, "x"), "7-x");
	arena_free(&a);
}

static const struct test_case tests[] = {
	{"buf: an append past the ceiling fails and changes nothing",
	 buf_ceiling_leaves_buffer_unchanged},
	{"buf: printf grows past its small buffer", buf_printf_grows},
	{"arena: zeroed, aligned, extra blocks released on reset",
	 arena_is_zeroed_aligned_and_resets},
	{NULL, NULL},
};

void suite_buf(void)
{
	test_add_suite("buf", tests);
}
