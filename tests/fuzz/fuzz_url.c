/* libFuzzer target: webhook URL rules and the address classifier
 * (netcheck.c), with the loopback switch off and on. */
#include <stdint.h>

#include "lib/netcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netcheck_url u;

	netcheck_url((const char *)data, size, false, &u);
	netcheck_url((const char *)data, size, true, NULL);
	return 0;
}
