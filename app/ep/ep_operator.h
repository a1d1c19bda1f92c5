/*
 * Operator API (seed "SMS Messaging UX"): send-message, message lists,
 * registered users.  Operator JWT, or admin JWT with X-Ibiki-Client.
 */
#ifndef IBIKI_EP_OPERATOR_H
#define IBIKI_EP_OPERATOR_H

#include "http/router.h"

extern const struct endpoint ep_operator_send_message;
extern const struct endpoint ep_operator_incoming;
extern const struct endpoint ep_operator_outgoing;
extern const struct endpoint ep_operator_users_list;
extern const struct endpoint ep_operator_users_create;
extern const struct endpoint ep_operator_users_update;

#endif
