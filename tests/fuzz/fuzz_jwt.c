/* libFuzzer target: JWT verification (jwt.c) and SMS counting (sms.c,
 * utf8.c) on arbitrary input. */
#include <stdint.h>

#include "lib/arena.h"
#include "lib/jwt.h"
#include "svc/sms.h"
#include "lib/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int init;
	const struct json *claims;
	struct sms_parts p;

	if (!init) {
		arena_init(&a, 1 << 16, 1 << 28);
		init = 1;
	}
	jwt_verify(&a, "0123456789abcdef0123456789abcdef", 32, (const char *)data, size, 1700000000,
		   &claims);
	if (utf8_valid((const char *)data, size)) {
		sms_count((const char *)data, size, &p);
		sms_e164((const char *)data, size);
	}
	arena_reset(&a);
	return 0;
}
