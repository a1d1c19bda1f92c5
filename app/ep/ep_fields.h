/*
 * The field-table rows several endpoints share (DESIGN "Parsing rules"),
 * written once: list bounds (limit, sort), the inbox cursor, phone
 * numbers, message text, Extreme's modem and port, and the words of the
 * enumerations endpoints accept.  Each macro is one struct field
 * initializer (http/fields.h) for an endpoint's table.
 */
#ifndef IBIKI_EP_FIELDS_H
#define IBIKI_EP_FIELDS_H

#include "http/fields.h"
#include "svc/sms.h"

#define EP_FIELDS_STR_(x) #x
#define EP_FIELDS_STR(x)  EP_FIELDS_STR_(x)

/* limit: 1..hi, default EP_FIELDS_LIMIT_DEFAULT (any page also stops at
 * DB_PAGE_BYTES of text). */
#define EP_FIELDS_LIMIT_DEFAULT 100
#define FIELD_LIMIT(hi)                                                                            \
	{                                                                                          \
		.name = "limit", .type = FT_INT, .flags = F_QUERY, .min = 1, .max = (hi),          \
		.message = "limit must be an integer from 1 to " EP_FIELDS_STR(hi)                 \
	}

/* sort: desc (the default) or asc; the value's i is an enum ep_sort. */
enum ep_sort { EP_SORT_DESC, EP_SORT_ASC, EP_SORT__MAX };
extern const char *const ep_fields_sort[];
#define FIELD_SORT                                                                                 \
	{                                                                                          \
		.name = "sort", .type = FT_ENUM, .flags = F_QUERY, .choices = ep_fields_sort,      \
		.message = "sort must be asc or desc"                                              \
	}

/* A message id as a cursor or bound: <pfx><n> or <n>, n >= 0 (0: from
 * the very start); pfx msg_ (inbound) or out_ (outbound). */
#define FIELD_ID_CURSOR(nm, pfx)                                                                   \
	{                                                                                          \
		.name = nm, .type = FT_ID, .flags = F_QUERY | F_BARE, .prefix = pfx, .min = 0,     \
		.message = nm " must be a message id (" pfx "<n>)"                                 \
	}
#define FIELD_MSG_CURSOR(nm) FIELD_ID_CURSOR(nm, "msg_")

/* An E.164 phone number named nm ("to must be in E.164 format ..."). */
#define FIELD_PHONE(nm, fl)                                                                        \
	{                                                                                          \
		.name = nm, .type = FT_STR, .flags = (fl), .valid = sms_e164,                      \
		.code = "invalid_phone_number",                                                    \
		.message = nm " must be in E.164 format (+1234567890)"                             \
	}
/* The seed's phoneNumber, with the seed's message. */
#define FIELD_PHONE_NUMBER(fl)                                                                     \
	{                                                                                          \
		.name = "phoneNumber", .type = FT_STR, .flags = (fl), .valid = sms_e164,           \
		.code = "invalid_phone_number",                                                    \
		.message = "Phone number must be in E.164 format (+1234567890)"                    \
	}

/* Message text: valid UTF-8 of 1..1600 code points. */
#define FIELD_TEXT(nm)                                                                             \
	{                                                                                          \
		.name = nm, .type = FT_STR, .flags = F_REQ, .min = 1, .max = SMS_MAX_CHARS,        \
		.code = "invalid_message",                                                         \
		.message = nm " must be 1 to " EP_FIELDS_STR(SMS_MAX_CHARS) " characters"          \
	}

/* Extreme's modem and port: integers 0..9999. */
#define EP_FIELDS_MODEM_MAX 9999
#define FIELD_MODEM(fl, cd)                                                                        \
	{                                                                                          \
		.name = "usemodem", .type = FT_INT, .flags = (fl), .max = EP_FIELDS_MODEM_MAX,     \
		.code = (cd), .message = "usemodem must be an integer from 0 to 9999"              \
	}
#define FIELD_PORT(fl, cd)                                                                         \
	{                                                                                          \
		.name = "port", .type = FT_INT, .flags = (fl), .max = EP_FIELDS_MODEM_MAX,         \
		.code = (cd), .message = "port must be an integer from 0 to 9999"                  \
	}

/* The {id} of an admin path: an existing client's id, else 404. */
#define FIELD_CLIENT_ID                                                                            \
	{                                                                                          \
		.name = "id", .type = FT_ID, .flags = F_PATH | F_REQ, .prefix = "", .min = 1,      \
		.status = ST_NOT_FOUND, .code = "client_not_found", .message = "No such client"    \
	}

/* The events a webhook receives: a non-empty array of sms.received and
 * sms.status (bits 1 << enum ep_event). */
enum ep_event { EP_EVENT_RECEIVED, EP_EVENT_STATUS, EP_EVENT__MAX };
extern const char *const ep_fields_events[];
#define FIELD_EVENTS                                                                               \
	{                                                                                          \
		.name = "events", .type = FT_SET, .flags = F_NULL, .choices = ep_fields_events,    \
		.min = 1, .code = "invalid_events",                                                \
		.message = "events must be a non-empty array of sms.received and sms.status"       \
	}

/* A name or label: no control characters, no space at either end. */
bool ep_fields_name_ok(const char *s, size_t len);

/* Words accepted by enumerations, NULL-terminated, in the order of their
 * enums. */
enum ep_provider { EP_PROVIDER_TWILIO, EP_PROVIDER_EXTREME, EP_PROVIDER__MAX };
extern const char *const ep_fields_provider[];
/* A registered user's status, and the users list's filter (adds "all"). */
enum ep_user_status {
	EP_USER_ACTIVE,
	EP_USER_INACTIVE,
	EP_USER_ALL,
	EP_USER_OPTED_OUT,
	EP_USER__MAX
};
extern const char *const ep_fields_user_status[];
extern const char *const ep_fields_user_filter[];
/* An outbound message's status. */
extern const char *const ep_fields_out_status[];

#endif
