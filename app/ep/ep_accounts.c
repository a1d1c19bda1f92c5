/*
 * Accounts: the admins and operators who log in with a password.  Admin
 * JWT only.
 *
 *   POST  /api/admin/accounts {username, password, role, clientId?, displayName?}
 *                                          201; 409 username_taken
 *   GET   /api/admin/accounts?clientId     200 {status, count, accounts} (never a hash)
 *   PATCH /api/admin/accounts/{accountId} {status?, password?, displayName?}
 *                                          200 account; 404 account_not_found
 *
 * Disabling takes effect at the account's next request (every JWT is
 * checked against the account, http/auth.c); a new password does not end
 * sessions already open -- disable the account for that.  An admin cannot
 * disable its own account (no one could undo it over the API).
 */
#include "ep/ep_accounts.h"

#include <ctype.h>
#include <string.h>

#include "db/db_accounts.h"
#include "db/db_clients.h"
#include "ep/ep_fields.h"
#include "lib/crypto.h"
#include "svc/views.h"

enum { A_USERNAME, A_PASSWORD, A_ROLE, A_CLIENT, A_DISPLAY };

static bool username_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._@-", s[i]))
			return false;
	return true;
}

enum role { ROLE_ADMIN, ROLE_OPERATOR, ROLE__MAX };
static const char *const roles[] = {[ROLE_ADMIN] = "admin", [ROLE_OPERATOR] = "operator", NULL};

static const struct field account_fields[] = {
	[A_USERNAME] = {.name = "username",
			.type = FT_STR,
			.flags = F_REQ,
			.min = 3,
			.max = 64,
			.valid = username_ok,
			.code = "invalid_username",
			.message = "username must be 3 to 64 letters, digits or . _ @ -"},
	[A_PASSWORD] = {.name = "password",
			.type = FT_STR,
			.flags = F_REQ,
			.min = 12,
			.max = 1024,
			.code = "weak_password",
			.message = "password must be 12 to 1024 characters"},
	[A_ROLE] = {.name = "role",
		    .type = FT_ENUM,
		    .flags = F_REQ,
		    .choices = roles,
		    .code = "invalid_role",
		    .message = "role must be \"admin\" or \"operator\""},
	[A_CLIENT] = {.name = "clientId",
		      .type = FT_INT,
		      .flags = F_NULL,
		      .min = 1,
		      .max = 1LL << 53,
		      .message = "clientId must be a client id"},
	[A_DISPLAY] = {.name = "displayName",
		       .type = FT_STR,
		       .flags = F_NULL,
		       .min = 1,
		       .max = 200,
		       .valid = ep_fields_name_ok,
		       .code = "invalid_name",
		       .message = "displayName must be 1 to 200 characters"},
};

static enum status accounts_create(struct req *r)
{
	const struct fval *in = r->in;
	bool admin = in[A_ROLE].i == ROLE_ADMIN;
	char hash[CRYPTO_PASSWORD_HASH_MAX];
	long long client_id = in[A_CLIENT].present ? in[A_CLIENT].i : 0, id;
	struct client c;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	if (admin && client_id > 0)
		return req_fail(r, ST_BAD_REQUEST, "invalid_request",
				"An admin account belongs to no client: drop clientId");
	if (!admin) {
		if (client_id == 0)
			return req_fail(r, ST_BAD_REQUEST, "invalid_request",
					"An operator account needs clientId");
		rc = db_clients_get(r->db, r->a, client_id, &c);
		if (rc == DB_NOTFOUND)
			return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
		if (rc != DB_OK)
			return req_db_fail(r, rc);
	}
	if (crypto_password_hash(in[A_PASSWORD].s, in[A_PASSWORD].len, hash) < 0)
		return req_fail(r, ST_INTERNAL, "internal_error", "Cannot hash password");
	rc = db_accounts_insert(r->db, r->a, in[A_USERNAME].s, hash, roles[in[A_ROLE].i], client_id,
				in[A_DISPLAY].present ? in[A_DISPLAY].s : NULL, &id);
	if (rc == DB_DUP)
		return req_fail(r, ST_CONFLICT, "username_taken", "That username is taken");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	jsonw_kint(w, "id", id);
	jsonw_kstr(w, "username", in[A_USERNAME].s);
	jsonw_kstr(w, "role", roles[in[A_ROLE].i]);
	jsonw_key(w, "clientId");
	if (client_id > 0)
		jsonw_int(w, client_id);
	else
		jsonw_null(w);
	jsonw_kstrn(w, "displayName", in[A_DISPLAY].present ? in[A_DISPLAY].s : NULL,
		    in[A_DISPLAY].len);
	jsonw_obj_end(w);
	return ST_CREATED;
}

const struct endpoint ep_admin_accounts_create = ENDPOINT(accounts_create, account_fields);

static const struct field list_fields[] = {
	{.name = "clientId",
	 .type = FT_INT,
	 .flags = F_QUERY,
	 .min = 1,
	 .max = 1LL << 53,
	 .message = "clientId must be a client id"},
};

static enum status accounts_list(struct req *r)
{
	struct account *as;
	size_t i, n;
	enum db_rc rc = db_accounts_list(r->db, r->a, fields_int_or(&r->in[0], 0), &as, &n);
	struct jsonw *w = &r->w;

	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "accounts");
	for (i = 0; i < n; i++)
		views_account(w, &as[i]);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_admin_accounts_list = ENDPOINT(accounts_list, list_fields);

static const char *const account_status[] = {"active", "disabled", NULL};

enum { U_STATUS, U_PASSWORD, U_DISPLAY, U_ID };

static const struct field update_fields[] = {
	[U_STATUS] = {.name = "status",
		      .type = FT_ENUM,
		      .choices = account_status,
		      .code = "invalid_status",
		      .message = "status must be \"active\" or \"disabled\""},
	[U_PASSWORD] = {.name = "password",
			.type = FT_STR,
			.min = 12,
			.max = 1024,
			.code = "weak_password",
			.message = "password must be 12 to 1024 characters"},
	[U_DISPLAY] = {.name = "displayName",
		       .type = FT_STR,
		       .min = 1,
		       .max = 200,
		       .valid = ep_fields_name_ok,
		       .code = "invalid_name",
		       .message = "displayName must be 1 to 200 characters"},
	[U_ID] = {.name = "accountId",
		  .type = FT_ID,
		  .flags = F_PATH | F_REQ,
		  .prefix = "",
		  .min = 1,
		  .status = ST_NOT_FOUND,
		  .code = "account_not_found",
		  .message = "No such account"},
};

static enum status accounts_update(struct req *r)
{
	const struct fval *in = r->in;
	long long id = in[U_ID].i;
	char hash[CRYPTO_PASSWORD_HASH_MAX];
	const char *status = in[U_STATUS].present ? account_status[in[U_STATUS].i] : NULL;
	struct account acc;
	enum db_rc rc;

	if (!in[U_STATUS].present && !in[U_PASSWORD].present && !in[U_DISPLAY].present)
		return req_fail(r, ST_BAD_REQUEST, "invalid_request",
				"Give status, password or displayName");
	if (status != NULL && strcmp(status, "disabled") == 0 && id == r->actor.account_id)
		return req_fail(r, ST_CONFLICT, "own_account",
				"You cannot disable your own account");
	if (in[U_PASSWORD].present &&
	    crypto_password_hash(in[U_PASSWORD].s, in[U_PASSWORD].len, hash) < 0)
		return req_fail(r, ST_INTERNAL, "internal_error", "Cannot hash password");
	rc = db_accounts_update(r->db, r->a, id, status, in[U_PASSWORD].present ? hash : NULL,
				in[U_DISPLAY].present ? in[U_DISPLAY].s : NULL);
	if (rc == DB_OK)
		rc = db_accounts_get_by_id(r->db, r->a, id, &acc);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "account_not_found", "No such account");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_account(&r->w, &acc);
	return ST_OK;
}

const struct endpoint ep_admin_accounts_update = ENDPOINT(accounts_update, update_fields);
