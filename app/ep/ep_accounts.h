/*
 * Admins' and operators' accounts (admin API): create, list, disable,
 * reset a password.
 */
#ifndef IBIKI_EP_ACCOUNTS_H
#define IBIKI_EP_ACCOUNTS_H

#include "http/router.h"

extern const struct endpoint ep_admin_accounts_create;
extern const struct endpoint ep_admin_accounts_list;
extern const struct endpoint ep_admin_accounts_update;

#endif
