/* libFuzzer target: form / query parsing (kv.c) and Twilio signature
 * checking (sign.c) over what it parsed. */
#include <stdint.h>

#include "lib/arena.h"
#include "lib/kv.h"
#include "upstream/twilio_sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int init;
	struct kvs k;
	const char *err;

	if (!init) {
		arena_init(&a, 1 << 16, 1 << 28);
		init = 1;
	}
	if (kv_parse(&a, (const char *)data, size, &k, &err) == 0) {
		const struct kv *sig = kv_get(&k, "sig", NULL);
		twilio_sign_valid("token", "https://example.com:443/twilio/incoming?x=1", &k,
				  sig ? sig->value : "", &a);
	}
	arena_reset(&a);
	return 0;
}
