/*
 * SMS text rules: E.164 numbers, message length in code points, and the
 * segment count and encoding a message will go out with (GSM 03.38 7-bit:
 * 160 characters alone, 153 per part; extension characters count twice;
 * anything outside the GSM alphabet makes the whole message UCS-2: 70
 * alone, 67 per part, counted in UTF-16 units so an emoji counts twice).
 */
#ifndef IBIKI_SVC_SMS_H
#define IBIKI_SVC_SMS_H

#include <stdbool.h>
#include <stddef.h>

#define SMS_MAX_CHARS 1600
#define SMS_E164_MAX  16 /* '+' and up to 15 digits */

/* ^\+[1-9][0-9]{1,14}$ */
bool sms_e164(const char *s, size_t len);
/* Valid UTF-8 of 1..1600 code points. */
bool sms_text_ok(const char *s, size_t len);

enum sms_encoding { SMS_GSM7, SMS_UCS2 };

struct sms_parts {
	enum sms_encoding encoding;
	unsigned units; /* septets (GSM-7) or UTF-16 code units (UCS-2) */
	unsigned segments;
};

/* Count s (valid UTF-8). */
void sms_count(const char *s, size_t len, struct sms_parts *out);
const char *sms_encoding_name(enum sms_encoding e); /* "GSM-7" | "UCS-2" */

#endif
