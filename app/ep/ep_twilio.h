/*
 * Twilio's webhooks: POST /twilio/incoming and POST /twilio/status.
 */
#ifndef IBIKI_EP_TWILIO_H
#define IBIKI_EP_TWILIO_H

#include "http/router.h"

extern const struct endpoint ep_twilio_incoming;
extern const struct endpoint ep_twilio_status;

#endif
