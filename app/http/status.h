/*
 * The one list of HTTP statuses Ibiki answers with (after lwan's
 * lwan-http-status.h).  Handlers return an enum status; the response
 * writer turns it into a status line, and for errors into the default
 * error code when the handler set none.
 */
#ifndef IBIKI_HTTP_STATUS_H
#define IBIKI_HTTP_STATUS_H

/* X(name, code, reason, default error code) */
#define STATUS_LIST(X)                                                                             \
	X(OK, 200, "OK", NULL)                                                                     \
	X(CREATED, 201, "Created", NULL)                                                           \
	X(ACCEPTED, 202, "Accepted", NULL)                                                         \
	X(BAD_REQUEST, 400, "Bad Request", "invalid_request")                                      \
	X(UNAUTHORIZED, 401, "Unauthorized", "unauthorized")                                       \
	X(FORBIDDEN, 403, "Forbidden", "forbidden")                                                \
	X(NOT_FOUND, 404, "Not Found", "not_found")                                                \
	X(METHOD_NOT_ALLOWED, 405, "Method Not Allowed", "method_not_allowed")                     \
	X(CONFLICT, 409, "Conflict", "conflict")                                                   \
	X(PAYLOAD_TOO_LARGE, 413, "Payload Too Large", "payload_too_large")                        \
	X(UNSUPPORTED_MEDIA_TYPE, 415, "Unsupported Media Type", "unsupported_media_type")         \
	X(UNPROCESSABLE, 422, "Unprocessable Content", "unprocessable")                            \
	X(TOO_MANY_REQUESTS, 429, "Too Many Requests", "rate_limited")                             \
	X(INTERNAL, 500, "Internal Server Error", "internal_error")                                \
	X(BAD_GATEWAY, 502, "Bad Gateway", "upstream_error")                                       \
	X(UNAVAILABLE, 503, "Service Unavailable", "unavailable")                                  \
	X(GATEWAY_TIMEOUT, 504, "Gateway Timeout", "upstream_timeout")

enum status {
#define X(name, code, reason, err) ST_##name,
	STATUS_LIST(X)
#undef X
		ST__MAX
};

int status_code(enum status s);
const char *status_reason(enum status s);
/* The status with this numeric code; ST_INTERNAL if none. */
enum status status_from_code(int code);
/* Default error code for an error status ("not_found"), or NULL. */
const char *status_error(enum status s);

#endif
