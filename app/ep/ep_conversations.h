/*
 * The operators' web inbox: conversations, one conversation, reply.
 */
#ifndef IBIKI_EP_CONVERSATIONS_H
#define IBIKI_EP_CONVERSATIONS_H

#include "http/router.h"

extern const struct endpoint ep_conversations_list;
extern const struct endpoint ep_conversations_thread;
/* The reply helper, {to, message}, for POST /api/web/inbox/reply
 * (operators) and POST /api/v2/sms/reply (API keys) alike: 200
 * {status:"sent", messageId, to, provider, providerMessageId, from,
 * usemodem, port, inReplyTo, segments, encoding, timestamp}; 404
 * no_conversation; 503 twilio_error / upstream_error (recorded failed). */
extern const struct endpoint ep_conversations_reply;

#endif
