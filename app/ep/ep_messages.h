/*
 * The operator API's messages (seed "SMS Messaging UX"): send-message and
 * the incoming and outgoing lists.  Operator JWT, or admin JWT with
 * X-Ibiki-Client.
 */
#ifndef IBIKI_EP_MESSAGES_H
#define IBIKI_EP_MESSAGES_H

#include "http/router.h"

extern const struct endpoint ep_messages_send;
extern const struct endpoint ep_messages_incoming;
extern const struct endpoint ep_messages_outgoing;

#endif
