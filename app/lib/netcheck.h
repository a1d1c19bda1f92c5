/*
 * Webhook destination rules (DESIGN "Webhook destinations"): which URLs a
 * client may register and which addresses the dispatcher may connect to.
 * Knows nothing of the application; used at registration (URL syntax,
 * literal addresses, and the addresses a name resolves to) and again at
 * connect time (every resolved address).
 */
#ifndef IBIKI_LIB_NETCHECK_H
#define IBIKI_LIB_NETCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define NETCHECK_HOST_MAX 253
#define NETCHECK_URL_MAX  2048

/* Whether an address is one Ibiki never connects to: loopback, private,
 * link-local, shared, documentation, benchmarking, multicast, reserved,
 * unspecified, and the IPv6 forms that embed such an IPv4 address
 * (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo).  With
 * allow_loopback, 127/8 and ::1 (and their embeddings) are allowed: test
 * stacks only. */
bool netcheck_addr_forbidden(const struct sockaddr *sa, bool allow_loopback);

/* A parsed https URL. */
struct netcheck_url {
	char host[NETCHECK_HOST_MAX + 1]; /* lower case, no brackets */
	int port;			  /* 443 when absent */
	bool host_is_ip;
	struct sockaddr_storage addr; /* when host_is_ip */
};

/* Check a webhook URL: https scheme, no userinfo, no fragment, a host of at
 * most 253 characters that is a valid DNS name or an IP literal (IPv4 in
 * any inet_aton form: 2130706433, 0177.0.0.1, 0x7f.1), a port in 1..65535,
 * and a literal address that is not forbidden.  Names that end in
 * "localhost", ".local", ".internal" or ".localdomain" are refused too.
 * Returns NULL when acceptable (filling *out when given), else a reason. */
const char *netcheck_url(const char *url, size_t len, bool allow_loopback,
			 struct netcheck_url *out);

struct addrinfo;

/* Whether any address of a resolved list is forbidden: a reason, or NULL. */
const char *netcheck_addrs(const struct addrinfo *list, bool allow_loopback);

/* Resolve host (a name) waiting at most about timeout_s per name server,
 * and check every address it resolves to.  A reason when any is
 * forbidden; NULL when all are allowed -- or when the name does not
 * resolve now (nothing to refuse yet: the dispatcher checks the address it
 * connects to, every time). */
const char *netcheck_resolve(const char *host, bool allow_loopback, int timeout_s);

#endif
