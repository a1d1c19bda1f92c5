/* Every unit-test file exports one function that adds its CUnit suite. */
#ifndef IBIKI_TEST_SUITES_H
#define IBIKI_TEST_SUITES_H

#define SUITES(X)                                                                                  \
	X(buf)                                                                                     \
	X(enc)                                                                                     \
	X(utf8)                                                                                    \
	X(json)                                                                                    \
	X(kv)                                                                                      \
	X(config)                                                                                  \
	X(crypto)                                                                                  \
	X(jwt)                                                                                     \
	X(sign)                                                                                    \
	X(sms)                                                                                     \
	X(netcheck)                                                                                \
	X(twilio_sign)                                                                             \
	X(httpc)                                                                                   \
	X(router)                                                                                  \
	X(fields)                                                                                  \
	X(status)                                                                                  \
	X(auth)                                                                                    \
	X(idem)                                                                                    \
	X(upstream)                                                                                \
	X(outbound)                                                                                \
	X(optout)                                                                                  \
	X(inbound)                                                                                 \
	X(views)                                                                                   \
	X(pipeline)                                                                                \
	X(routes)

#define DECLARE(name) void suite_##name(void);
SUITES(DECLARE)
#undef DECLARE

#endif
