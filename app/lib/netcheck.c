/*
 * Webhook destination rules: the address classes Ibiki never connects to
 * (v4 ranges and the IPv6 forms that embed them) and the URL check --
 * scheme, authority, host (an IPv6 literal, an IPv4 address in any
 * inet_aton form, or a DNS name), port; and, at registration, the
 * resolution of a name with a bounded wait.
 */
#include "lib/netcheck.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct v4range {
	uint32_t net;
	int bits;
};

/* DESIGN's list; 127/8 is handled apart for allow_loopback. */
static const struct v4range v4_forbidden[] = {
	{0x00000000, 8},  /* 0/8 "this network" */
	{0x0a000000, 8},  /* 10/8 private */
	{0x64400000, 10}, /* 100.64/10 shared (CGNAT) */
	{0xa9fe0000, 16}, /* 169.254/16 link-local, cloud metadata */
	{0xac100000, 12}, /* 172.16/12 private */
	{0xc0000000, 24}, /* 192.0.0/24 IETF protocol assignments */
	{0xc0000200, 24}, /* 192.0.2/24 TEST-NET-1 */
	{0xc0a80000, 16}, /* 192.168/16 private */
	{0xc6120000, 15}, /* 198.18/15 benchmarking */
	{0xc6336400, 24}, /* 198.51.100/24 TEST-NET-2 */
	{0xcb007100, 24}, /* 203.0.113/24 TEST-NET-3 */
	{0xe0000000, 4},  /* 224/4 multicast */
	{0xf0000000, 4},  /* 240/4 reserved, broadcast */
};

static bool in_v4(uint32_t a, uint32_t net, int bits)
{
	uint32_t mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);

	return (a & mask) == net;
}

static bool v4_forbidden_addr(uint32_t a, bool allow_loopback)
{
	size_t i;

	if (in_v4(a, 0x7f000000, 8))
		return !allow_loopback;
	for (i = 0; i < sizeof(v4_forbidden) / sizeof(v4_forbidden[0]); i++)
		if (in_v4(a, v4_forbidden[i].net, v4_forbidden[i].bits))
			return true;
	return false;
}

static uint32_t v4_at(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool prefix_is(const unsigned char *a, const unsigned char *p, int bits)
{
	int full = bits / 8, rest = bits % 8;

	if (memcmp(a, p, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ p[full]) & (0xff << (8 - rest))) == 0;
}

static bool v6_forbidden_addr(const unsigned char *a, bool allow_loopback)
{
	static const unsigned char zero[16] = {0};
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char translated[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
	static const unsigned char discard[8] = {0x01, 0, 0, 0, 0, 0, 0, 0};
	static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
	static const unsigned char nat64_local[6] = {0, 0x64, 0xff, 0x9b, 0, 1};
	static const unsigned char sixto4[2] = {0x20, 0x02};
	static const unsigned char teredo[4] = {0x20, 0x01, 0, 0};
	static const unsigned char doc[4] = {0x20, 0x01, 0x0d, 0xb8};
	static const unsigned char fc[1] = {0xfc}, fe80[2] = {0xfe, 0x80}, fec0[2] = {0xfe, 0xc0};
	static const unsigned char ff[1] = {0xff};
	unsigned char v4[4];

	if (memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1)) /* ::, ::1 */
		return a[15] == 0 || !allow_loopback;
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, zero, 12) == 0) /* ::ffff:v4, ::v4 */
		return v4_forbidden_addr(v4_at(a + 12), allow_loopback);
	if (memcmp(a, translated, 12) == 0) /* ::ffff:0:v4, IPv4-translated (RFC 2765) */
		return v4_forbidden_addr(v4_at(a + 12), allow_loopback);
	if (prefix_is(a, discard, 64)) /* 100::/64 discard-only */
		return true;
	if (memcmp(a, nat64, 12) == 0) /* 64:ff9b::v4 */
		return v4_forbidden_addr(v4_at(a + 12), allow_loopback);
	if (prefix_is(a, nat64_local, 48)) /* 64:ff9b:1::/48 local-use NAT64 */
		return true;
	if (prefix_is(a, sixto4, 16)) /* 2002:v4::/48 */
		return v4_forbidden_addr(v4_at(a + 2), allow_loopback);
	if (prefix_is(a, teredo, 32)) { /* 2001:0::/32: server v4, then ~client v4 */
		int i;
		for (i = 0; i < 4; i++)
			v4[i] = (unsigned char)~a[12 + i];
		return v4_forbidden_addr(v4_at(a + 4), allow_loopback) ||
		       v4_forbidden_addr(v4_at(v4), allow_loopback);
	}
	if (prefix_is(a, doc, 32) || prefix_is(a, fc, 7) || prefix_is(a, fe80, 10) ||
	    prefix_is(a, fec0, 10) || prefix_is(a, ff, 8))
		return true;
	return false;
}

bool netcheck_addr_forbidden(const struct sockaddr *sa, bool allow_loopback)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return v4_forbidden_addr(ntohl(in->sin_addr.s_addr), allow_loopback);
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		return v6_forbidden_addr(in6->sin6_addr.s6_addr, allow_loopback);
	}
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Whether the last label is numeric (decimal, or 0x hex), which makes the
 * whole host an IPv4 address in URL parsers (WHATWG "ends in a number"). */
static bool ends_in_number(const char *host)
{
	const char *last = strrchr(host, '.');
	const char *p;

	last = last ? last + 1 : host;
	if (*last == '\0') /* trailing dot: look at the label before it */
		return false;
	if (last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
		for (p = last + 2; *p; p++)
			if (!isxdigit((unsigned char)*p))
				return false;
		return true;
	}
	for (p = last; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

static bool valid_dns_name(const char *h)
{
	size_t label = 0;
	const char *p;
	char prev = '.';

	for (p = h; *p; p++) {
		char c = *p;
		if (c == '.') {
			if (label == 0 || prev == '-')
				return false;
			label = 0;
		} else if (isalnum((unsigned char)c) || c == '-' || c == '_') {
			if (label == 0 && c == '-')
				return false;
			if (++label > 63)
				return false;
		} else {
			return false;
		}
		prev = c;
	}
	return label > 0 || (p > h && prev == '.');
}

/* A bracketed IPv6 literal at p ("[...]" within the authority, which
 * ends at auth_end) into u; *host_end after the ']'.  NULL or a reason. */
static const char *ipv6_host(const char *p, const char *auth_end, struct netcheck_url *u,
			     const char **host_end)
{
	const char *rb = memchr(p, ']', (size_t)(auth_end - p));
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&u->addr;
	char lit[64];

	if (rb == NULL || (size_t)(rb - p - 1) >= sizeof(lit))
		return "malformed IPv6 address";
	memcpy(lit, p + 1, (size_t)(rb - p - 1));
	lit[rb - p - 1] = '\0';
	if (strchr(lit, '%') != NULL || inet_pton(AF_INET6, lit, &s6->sin6_addr) != 1)
		return "malformed IPv6 address";
	s6->sin6_family = AF_INET6;
	u->host_is_ip = true;
	snprintf(u->host, sizeof(u->host), "%s", lit);
	*host_end = rb + 1;
	return NULL;
}

/* A name or an IPv4 address in any inet_aton form at p into u (lower
 * case); *host_end at the ':' of a port or at auth_end.  NULL or a
 * reason. */
static const char *name_host(const char *p, const char *auth_end, struct netcheck_url *u,
			     const char **host_end)
{
	size_t hlen, i;

	*host_end = memchr(p, ':', (size_t)(auth_end - p));
	if (*host_end == NULL)
		*host_end = auth_end;
	hlen = (size_t)(*host_end - p);
	if (hlen == 0)
		return "URL has no host";
	if (hlen > NETCHECK_HOST_MAX)
		return "host name longer than 253 characters";
	for (i = 0; i < hlen; i++)
		u->host[i] = (char)tolower((unsigned char)p[i]);
	/* "name." is "name" to DNS and to inet_aton's callers alike: classify
	 * it without the root dot. */
	if (hlen > 1 && u->host[hlen - 1] == '.')
		hlen--;
	u->host[hlen] = '\0';
	/* More than one root dot is an empty label: no host at all. */
	if (hlen > 0 && u->host[hlen - 1] == '.')
		return "host is not a valid DNS name";
	if (memchr(u->host, '%', hlen) != NULL)
		return "host must not be percent-encoded";
	if (ends_in_number(u->host)) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&u->addr;

		if (inet_aton(u->host, &s4->sin_addr) == 0)
			return "malformed IPv4 address";
		s4->sin_family = AF_INET;
		u->host_is_ip = true;
		return NULL;
	}
	if (!valid_dns_name(u->host))
		return "host is not a valid DNS name";
	if (strchr(u->host, '.') == NULL)
		return "host must be a fully qualified domain name";
	if (ends_with(u->host, "localhost") || ends_with(u->host, ".local") ||
	    ends_with(u->host, ".internal") || ends_with(u->host, ".localdomain") ||
	    ends_with(u->host, ".home.arpa"))
		return "host names a local network";
	return NULL;
}

/* ":digits" from p to auth_end into u->port.  NULL or a reason. */
static const char *port_of(const char *p, const char *auth_end, struct netcheck_url *u)
{
	long port = 0;

	if (*p != ':' || p + 1 == auth_end)
		return "malformed port";
	for (p++; p < auth_end; p++) {
		if (!isdigit((unsigned char)*p) || port > 65535)
			return "malformed port";
		port = port * 10 + (*p - '0');
	}
	if (port < 1 || port > 65535)
		return "port must be 1 to 65535";
	u->port = (int)port;
	return NULL;
}

const char *netcheck_url(const char *url, size_t len, bool allow_loopback, struct netcheck_url *out)
{
	struct netcheck_url tmp = {0};
	struct netcheck_url *u = out ? out : &tmp;
	const char *p, *end = url + len, *auth_end, *host_end, *why;
	size_t i;

	memset(u, 0, sizeof(*u));
	u->port = 443;
	if (len == 0 || len > NETCHECK_URL_MAX)
		return "URL must be 1 to 2048 characters";
	for (i = 0; i < len; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return "URL must not contain spaces, control or non-ASCII characters";
	if (len < 8 || strncasecmp(url, "https://", 8) != 0)
		return "URL must use https";
	p = url + 8;
	auth_end = p;
	while (auth_end < end && *auth_end != '/' && *auth_end != '?' && *auth_end != '#')
		auth_end++;
	if (memchr(url, '#', len) != NULL)
		return "URL must not have a fragment";
	if (memchr(p, '@', (size_t)(auth_end - p)) != NULL)
		return "URL must not contain credentials (user@host)";
	if (memchr(p, '\\', (size_t)(end - p)) != NULL)
		return "URL must not contain backslashes";
	why = p < end && *p == '[' ? ipv6_host(p, auth_end, u, &host_end)
				   : name_host(p, auth_end, u, &host_end);
	if (why == NULL && host_end < auth_end)
		why = port_of(host_end, auth_end, u);
	if (why != NULL)
		return why;
	if (u->host_is_ip && netcheck_addr_forbidden((struct sockaddr *)&u->addr, allow_loopback))
		return "address is loopback, private, link-local or otherwise not public";
	return NULL;
}

const char *netcheck_addrs(const struct addrinfo *list, bool allow_loopback)
{
	const struct addrinfo *ai;

	for (ai = list; ai != NULL; ai = ai->ai_next)
		if (ai->ai_addr == NULL || netcheck_addr_forbidden(ai->ai_addr, allow_loopback))
			return "host resolves to a loopback, private or reserved address";
	return NULL;
}

const char *netcheck_resolve(const char *host, bool allow_loopback, int timeout_s)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *list = NULL;
	const char *why;

	/* This process's resolver waits timeout_s per server, once: the
	 * registration answers in bounded time. */
	if (res_init() == 0) {
		_res.retrans = timeout_s > 0 ? timeout_s : 1;
		_res.retry = 1;
	}
	if (getaddrinfo(host, NULL, &hints, &list) != 0)
		return NULL; /* no answer now: the connect-time check decides */
	why = netcheck_addrs(list, allow_loopback);
	freeaddrinfo(list);
	return why;
}
