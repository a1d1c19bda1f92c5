/*
 * netcheck.c: the webhook URL rules and the address classifier of DESIGN
 * "Webhook destinations".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include <netdb.h>

#include "lib/netcheck.h"
#include "suites.h"
#include "test.h"

static int refused(const char *url)
{
	return netcheck_url(url, strlen(url), false, NULL) != NULL;
}

static void refuses_loopback_forms(void)
{
	CU_ASSERT_TRUE(refused("https://127.0.0.1/hook"));
	CU_ASSERT_TRUE(refused("https://127.1.2.3/hook"));
	CU_ASSERT_TRUE(refused("https://2130706433/hook")); /* decimal 127.0.0.1 */
	CU_ASSERT_TRUE(refused("https://0177.0.0.1/hook")); /* octal */
	CU_ASSERT_TRUE(refused("https://0x7f.0.0.1/hook")); /* hex */
	CU_ASSERT_TRUE(refused("https://127.1/hook"));	    /* short form */
	CU_ASSERT_TRUE(refused("https://[::1]/hook"));
	CU_ASSERT_TRUE(refused("https://[::ffff:127.0.0.1]/hook"));
	CU_ASSERT_TRUE(refused("https://[::ffff:7f00:1]/hook"));
	CU_ASSERT_TRUE(refused("https://[64:ff9b::127.0.0.1]/hook"));
	CU_ASSERT_TRUE(refused("https://[2002:7f00:1::]/hook")); /* 6to4 of 127.0.0.1 */
}

static void refuses_metadata_and_private(void)
{
	CU_ASSERT_TRUE(refused("https://169.254.169.254/latest/meta-data"));
	CU_ASSERT_TRUE(refused("https://10.1.2.3/x"));
	CU_ASSERT_TRUE(refused("https://172.16.0.1/x"));
	CU_ASSERT_TRUE(refused("https://172.31.255.255/x"));
	CU_ASSERT_TRUE(refused("https://192.168.1.1/x"));
	CU_ASSERT_TRUE(refused("https://100.64.0.1/x"));
	CU_ASSERT_TRUE(refused("https://0.0.0.0/x"));
	CU_ASSERT_TRUE(refused("https://[fd00:ec2::254]/x")); /* AWS IMDS over IPv6 */
	CU_ASSERT_TRUE(refused("https://[fe80::1]/x"));
	CU_ASSERT_TRUE(refused("https://[::]/x"));
	CU_ASSERT_TRUE(refused("https://[ff02::1]/x"));
	CU_ASSERT_TRUE(refused("https://[::ffff:169.254.169.254]/x"));
}

static void refuses_reserved_ranges(void)
{
	CU_ASSERT_TRUE(refused("https://192.0.0.8/x"));
	CU_ASSERT_TRUE(refused("https://192.0.2.1/x"));
	CU_ASSERT_TRUE(refused("https://198.18.0.1/x"));
	CU_ASSERT_TRUE(refused("https://198.51.100.1/x"));
	CU_ASSERT_TRUE(refused("https://203.0.113.1/x"));
	CU_ASSERT_TRUE(refused("https://224.0.0.1/x"));
	CU_ASSERT_TRUE(refused("https://255.255.255.255/x"));
}

static void refuses_teredo_embedding_private(void)
{
	/* Teredo: server 10.0.0.1 (bits 32-63). */
	CU_ASSERT_TRUE(refused("https://[2001:0:a00:1::1]/x"));
	/* Teredo: client ~(0x7f000001) in the last 32 bits. */
	CU_ASSERT_TRUE(refused("https://[2001:0:5db8:1::80ff:fffe]/x"));
}

static void accepts_public_addresses(void)
{
	CU_ASSERT_FALSE(refused("https://93.184.216.34/hook"));
	CU_ASSERT_FALSE(refused("https://[2606:2800:220:1:248:1893:25c8:1946]/hook"));
	CU_ASSERT_FALSE(refused("https://hooks.example.com/ibiki?x=1"));
	CU_ASSERT_FALSE(refused("https://hooks.example.com:8443/ibiki"));
	CU_ASSERT_FALSE(refused("https://[::ffff:8.8.8.8]/x"));
}

static void refuses_bad_urls(void)
{
	char host[300];
	char url[400];

	CU_ASSERT_TRUE(refused("http://hooks.example.com/x"));
	CU_ASSERT_TRUE(refused("ftp://hooks.example.com/x"));
	CU_ASSERT_TRUE(refused("https://user:pw@hooks.example.com/x"));
	CU_ASSERT_TRUE(refused("https://user@hooks.example.com/x"));
	CU_ASSERT_TRUE(refused("https:///x"));
	CU_ASSERT_TRUE(refused("https://hooks.example.com:0/x"));
	CU_ASSERT_TRUE(refused("https://hooks.example.com:99999/x"));
	CU_ASSERT_TRUE(refused("https://hooks example.com/x"));
	CU_ASSERT_TRUE(refused("https://localhost/x"));
	CU_ASSERT_TRUE(refused("https://printer.local/x"));
	CU_ASSERT_TRUE(refused("https://hooks.example.com/x#frag"));
	CU_ASSERT_TRUE(refused("https://1.2.3.4.5/x"));
	CU_ASSERT_TRUE(refused("https://[fe80::1%25eth0]/x"));
	memset(host, 'a', 250);
	memcpy(host + 250, ".io", 4); /* 253 characters in all */
	snprintf(url, sizeof(url), "https://%s/x", host);
	CU_ASSERT_TRUE(refused(url)); /* a label over 63 */
}

static void trailing_dot_classified_as_without(void)
{
	/* A fully qualified "name." is the same host as "name". */
	CU_ASSERT_TRUE(refused("https://169.254.169.254./x"));
	CU_ASSERT_TRUE(refused("https://127.1./x"));
	CU_ASSERT_TRUE(refused("https://printer.local./x"));
	CU_ASSERT_TRUE(refused("https://localhost./x"));
	CU_ASSERT_FALSE(refused("https://hooks.example.com./x"));
}

static void host_length_limit(void)
{
	char host[300], url[400];
	int i, n = 0;

	/* 63-character labels joined by dots: 253 allowed, 254 not. */
	for (i = 0; n < 253; i++) {
		int l = 253 - n >= 64 ? 63 : 253 - n;
		memset(host + n, 'a', (size_t)l);
		n += l;
		if (n < 253)
			host[n++] = '.';
	}
	host[n] = '\0';
	CU_ASSERT_EQUAL(strlen(host), 253);
	snprintf(url, sizeof(url), "https://%s/x", host);
	CU_ASSERT_FALSE(refused(url));
	snprintf(url, sizeof(url), "https://b%s/x", host);
	CU_ASSERT_TRUE(refused(url));
}

static void allow_loopback_switch(void)
{
	const char *u = "https://127.0.0.1:9443/hook";

	CU_ASSERT_PTR_NOT_NULL(netcheck_url(u, strlen(u), false, NULL));
	CU_ASSERT_PTR_NULL(netcheck_url(u, strlen(u), true, NULL));
	/* The switch opens loopback only, not private ranges. */
	u = "https://10.0.0.1/hook";
	CU_ASSERT_PTR_NOT_NULL(netcheck_url(u, strlen(u), true, NULL));
}

static void reads_only_len_bytes(void)
{
	/* The length bounds the URL: a scheme-only prefix of a longer buffer
	 * has no host, whatever follows it (found by tools/fuzz). */
	const char *u = "https://[::1]/";

	CU_ASSERT_STRING_EQUAL(netcheck_url(u, 8, true, NULL), "URL has no host");
}

static void classifier_on_sockaddrs(void)
{
	struct sockaddr_in in = {.sin_family = AF_INET};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};

	inet_pton(AF_INET, "169.254.169.254", &in.sin_addr);
	CU_ASSERT_TRUE(netcheck_addr_forbidden((struct sockaddr *)&in, true));
	inet_pton(AF_INET, "8.8.8.8", &in.sin_addr);
	CU_ASSERT_FALSE(netcheck_addr_forbidden((struct sockaddr *)&in, false));
	inet_pton(AF_INET6, "::ffff:10.0.0.1", &in6.sin6_addr);
	CU_ASSERT_TRUE(netcheck_addr_forbidden((struct sockaddr *)&in6, false));
	inet_pton(AF_INET6, "2a00:1450:4001::1", &in6.sin6_addr);
	CU_ASSERT_FALSE(netcheck_addr_forbidden((struct sockaddr *)&in6, false));
}

/* The audit's forms: extra root dots, the IPv4-translated embedding, the
 * discard prefix. */
static void refuses_the_audit_forms(void)
{
	CU_ASSERT_TRUE(refused("https://127.0.0.1../h"));
	CU_ASSERT_TRUE(refused("https://hooks.example.com../h"));
	CU_ASSERT_TRUE(refused("https://[::ffff:0:7f00:1]/h"));
	CU_ASSERT_TRUE(refused("https://[::ffff:0:a00:1]/h"));
	CU_ASSERT_TRUE(refused("https://[100::1]/h"));
	CU_ASSERT_FALSE(refused("https://hooks.example.com./h"));
	CU_ASSERT_FALSE(refused("https://[2606:4700::1111]/h"));
}

/* A name is resolved at registration, and refused when any address it
 * resolves to is: "localhost" needs no DNS (the hosts file). */
static void resolved_names_are_checked(void)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_flags = AI_NUMERICHOST}, *list;

	CU_ASSERT_PTR_NOT_NULL(netcheck_resolve("localhost", false, 1));
	CU_ASSERT_PTR_NULL(netcheck_resolve("localhost", true, 1));
	CU_ASSERT_PTR_NULL(netcheck_resolve("no-such-host.invalid", false, 1));
	CU_ASSERT_EQUAL_FATAL(getaddrinfo("0.0.0.0", NULL, &hints, &list), 0);
	CU_ASSERT_PTR_NOT_NULL(netcheck_addrs(list, true));
	freeaddrinfo(list);
	CU_ASSERT_EQUAL_FATAL(getaddrinfo("2606:4700::1111", NULL, &hints, &list), 0);
	CU_ASSERT_PTR_NULL(netcheck_addrs(list, false));
	freeaddrinfo(list);
}

static const struct test_case tests[] = {
	{"refuses the audit's dotted, translated and discard forms", refuses_the_audit_forms},
	{"resolves names at registration and checks every address", resolved_names_are_checked},
	{"refuses 127.0.0.1 in every numeric form", refuses_loopback_forms},
	{"refuses metadata, private, link-local, ULA", refuses_metadata_and_private},
	{"refuses documentation, benchmarking, multicast, reserved", refuses_reserved_ranges},
	{"refuses Teredo addresses embedding private IPv4", refuses_teredo_embedding_private},
	{"accepts public addresses and names", accepts_public_addresses},
	{"refuses http, userinfo, bad ports, local names", refuses_bad_urls},
	{"a trailing dot does not hide a numeric or local host",
	 trailing_dot_classified_as_without},
	{"host of 253 characters accepted, 254 refused", host_length_limit},
	{"allow_loopback opens loopback only", allow_loopback_switch},
	{"classifier on connected addresses", classifier_on_sockaddrs},
	{"reads only len bytes of the URL", reads_only_len_bytes},
	{NULL, NULL},
};

void suite_netcheck(void)
{
	test_add_suite("netcheck", tests);
}
