/*
 * The operators' web inbox: conversations, one conversation, reply.
 */
#ifndef IBIKI_EP_WEB_H
#define IBIKI_EP_WEB_H

#include "route.h"

extern const struct endpoint ep_web_inbox;
extern const struct endpoint ep_web_thread;
extern const struct endpoint ep_web_reply;

/* The reply helper's answer, shared with POST /api/v2/sms/reply:
 * runs the reply for r's client and writes
 * 200 {status:"sent", messageId, to, provider, providerMessageId, from,
 * usemodem, port, inReplyTo, segments, encoding}; 404 no_conversation;
 * 503 twilio_error / upstream_error (recorded failed). */
enum status ep_reply(struct req *r, const char *to, const char *body, size_t len,
		     const char *sent_by);

#endif
