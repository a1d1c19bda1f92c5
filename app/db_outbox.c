/*
 * push_outbox.  See db_outbox.h.
 */
#include "db_outbox.h"

#include <string.h>

#include "crypto.h"
#include "enc.h"

void db_outbox_new_event_id(char *out)
{
	unsigned char r[12];

	crypto_random(r, sizeof(r));
	memcpy(out, "evt_", 4);
	enc_hex(r, sizeof(r), out + 4);
}
