/*
 * SMS text rules.  See sms.h.  The GSM 03.38 basic set and its extension
 * table are written out as the code points they stand for.
 */
#include "svc/sms.h"

#include <stdint.h>

#include "lib/utf8.h"

bool sms_e164(const char *s, size_t len)
{
	size_t i;

	if (len < 3 || len > SMS_E164_MAX || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return false;
	for (i = 2; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool sms_text_ok(const char *s, size_t len)
{
	size_t n;

	if (len == 0 || !utf8_valid(s, len))
		return false;
	n = utf8_count(s, len);
	return n >= 1 && n <= SMS_MAX_CHARS;
}

/* GSM 03.38 basic character set, beyond printable ASCII's common part. */
static int gsm_basic(uint32_t c)
{
	static const uint32_t extra[] = {
		0x00a3, 0x00a5, 0x00e8, 0x00e9, 0x00f9, 0x00ec, 0x00f2, 0x00c7, 0x00d8, 0x00f8,
		0x00c5, 0x00e5, 0x0394, 0x03a6, 0x0393, 0x039b, 0x03a9, 0x03a0, 0x03a8, 0x03a3,
		0x0398, 0x039e, 0x00c6, 0x00e6, 0x00df, 0x00c9, 0x00a4, 0x00a1, 0x00c4, 0x00d6,
		0x00d1, 0x00dc, 0x00a7, 0x00bf, 0x00e4, 0x00f6, 0x00f1, 0x00fc, 0x00e0,
	};
	size_t i;

	if (c == '\n' || c == '\r')
		return 1;
	if (c >= 0x20 && c <= 0x7e) {
		/* ASCII printable, except those that live in the extension
		 * table or are absent: [ \ ] ^ ` { | } ~ */
		switch (c) {
		case '[':
		case '\\':
		case ']':
		case '^':
		case '`':
		case '{':
		case '|':
		case '}':
		case '~':
			return 0;
		default:
			return 1;
		}
	}
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (extra[i] == c)
			return 1;
	return 0;
}

/* GSM 03.38 extension table (escape + character: two septets). */
static int gsm_ext(uint32_t c)
{
	switch (c) {
	case 0x000c: /* form feed */
	case '^':
	case '{':
	case '}':
	case '\\':
	case '[':
	case '~':
	case ']':
	case '|':
	case 0x20ac: /* euro sign */
		return 1;
	default:
		return 0;
	}
}

/* Units one character costs: 1 or 2 septets in GSM-7, 1 or 2 UTF-16 units
 * in UCS-2; 0 for a character GSM-7 cannot carry. */
static unsigned cost(uint32_t c, enum sms_encoding e)
{
	if (e == SMS_UCS2)
		return c > 0xffff ? 2 : 1;
	if (gsm_basic(c))
		return 1;
	if (gsm_ext(c))
		return 2;
	return 0;
}

/*
 * Parts of a multipart message are packed greedily, the way handsets and
 * SMSCs split: an escape sequence (GSM-7) or a surrogate pair (UCS-2) is
 * never cut in two, so a character that does not fit in what is left of a
 * part starts the next one.
 */
void sms_count(const char *s, size_t len, struct sms_parts *out)
{
	enum sms_encoding e = SMS_GSM7;
	unsigned total = 0, single, per_part, used = 0, parts = 1;
	size_t i = 0;

	while (i < len) {
		if (cost(utf8_next(s, len, &i), SMS_GSM7) == 0) {
			e = SMS_UCS2;
			break;
		}
	}
	for (i = 0; i < len;)
		total += cost(utf8_next(s, len, &i), e);
	single = e == SMS_GSM7 ? 160 : 70;
	per_part = e == SMS_GSM7 ? 153 : 67;
	out->encoding = e;
	out->units = total;
	if (total <= single) {
		out->segments = 1;
		return;
	}
	for (i = 0; i < len;) {
		unsigned c = cost(utf8_next(s, len, &i), e);
		if (used + c > per_part) {
			parts++;
			used = 0;
		}
		used += c;
	}
	out->segments = parts;
}

const char *sms_encoding_name(enum sms_encoding e)
{
	return e == SMS_GSM7 ? "GSM-7" : "UCS-2";
}
