/*
 * Client API v2, SMS (API key): inbox, sendsingle, send (asynchronous),
 * one message, the outbox.  The reply helper is ep_conversations_reply
 * (ep_conversations.h).
 */
#ifndef IBIKI_EP_V2_SMS_H
#define IBIKI_EP_V2_SMS_H

#include "http/router.h"

extern const struct endpoint ep_v2_sms_inbox;
extern const struct endpoint ep_v2_sms_sendsingle;
extern const struct endpoint ep_v2_sms_send;
extern const struct endpoint ep_v2_sms_message;
extern const struct endpoint ep_v2_sms_outbox;

#endif
