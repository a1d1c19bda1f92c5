/*
 * The word lists of the enumerations endpoints accept (ep_fields.h), in the
 * order of their enums.
 */
#include "ep/ep_fields.h"

#include <ctype.h>
#include <stddef.h>

bool ep_fields_name_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return len == 0 || (!isspace((unsigned char)s[0]) && !isspace((unsigned char)s[len - 1]));
}

const char *const ep_fields_sort[] = {[EP_SORT_DESC] = "desc", [EP_SORT_ASC] = "asc", NULL};
const char *const ep_fields_provider[] = {
	[EP_PROVIDER_TWILIO] = "twilio", [EP_PROVIDER_EXTREME] = "extreme", NULL};
const char *const ep_fields_user_status[] = {
	[EP_USER_ACTIVE] = "active", [EP_USER_INACTIVE] = "inactive", NULL};
const char *const ep_fields_user_filter[] = {[EP_USER_ACTIVE] = "active",
					     [EP_USER_INACTIVE] = "inactive",
					     [EP_USER_ALL] = "all",
					     [EP_USER_OPTED_OUT] = "opted_out",
					     NULL};
const char *const ep_fields_events[] = {
	[EP_EVENT_RECEIVED] = "sms.received", [EP_EVENT_STATUS] = "sms.status", NULL};
const char *const ep_fields_out_status[] = {"queued",	   "sent",   "delivered",
					    "undelivered", "failed", NULL};
