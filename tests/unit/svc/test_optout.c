/*
 * svc/optout.c: which bodies are keywords (the whole body, trimmed, any
 * case), the word reported, and when Ibiki answers one.
 */
#include <string.h>

#include "lib/config.h"
#include "svc/optout.h"
#include "suites.h"
#include "test.h"

static enum optout_keyword kw(const char *body)
{
	return optout_keyword(body, strlen(body), NULL);
}

static void every_design_keyword(void)
{
	static const char *const stop[] = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL",
					   "END",  "QUIT",    "REVOKE",	     "OPTOUT"};
	size_t i;

	for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		CU_ASSERT_EQUAL(kw(stop[i]), OPTOUT_STOP);
	CU_ASSERT_EQUAL(kw("START"), OPTOUT_START);
	CU_ASSERT_EQUAL(kw("YES"), OPTOUT_START);
	CU_ASSERT_EQUAL(kw("UNSTOP"), OPTOUT_START);
	CU_ASSERT_EQUAL(kw("HELP"), OPTOUT_HELP);
	CU_ASSERT_EQUAL(kw("INFO"), OPTOUT_HELP);
}

static void any_case_and_trimmed(void)
{
	char word[OPTOUT_WORD_MAX + 1];

	CU_ASSERT_EQUAL(kw("stop"), OPTOUT_STOP);
	CU_ASSERT_EQUAL(kw(" Stop "), OPTOUT_STOP);
	CU_ASSERT_EQUAL(kw("\tsToP\r\n"), OPTOUT_STOP);
	CU_ASSERT_EQUAL(optout_keyword(" unsubscribe\n", 13, word), OPTOUT_STOP);
	ASSERT_STR(word, "UNSUBSCRIBE");
}

static void whole_body_only(void)
{
	char word[OPTOUT_WORD_MAX + 1] = "x";

	CU_ASSERT_EQUAL(optout_keyword("STOP please", 11, word), OPTOUT_NONE);
	ASSERT_STR(word, "");
	CU_ASSERT_EQUAL(kw("STOP."), OPTOUT_NONE);
	CU_ASSERT_EQUAL(kw("S TOP"), OPTOUT_NONE);
	CU_ASSERT_EQUAL(kw("STOPSTOP"), OPTOUT_NONE);
	CU_ASSERT_EQUAL(kw(""), OPTOUT_NONE);
	CU_ASSERT_EQUAL(kw("   "), OPTOUT_NONE);
	/* A NUL inside is not trimmed away. */
	CU_ASSERT_EQUAL(optout_keyword("STOP\0", 5, NULL), OPTOUT_NONE);
	/* Only the given length is read. */
	CU_ASSERT_EQUAL(optout_keyword("STOPALL", 4, NULL), OPTOUT_STOP);
}

static void names_round_trip(void)
{
	ASSERT_STR(optout_keyword_name(OPTOUT_STOP), "stop");
	ASSERT_STR(optout_keyword_name(OPTOUT_START), "start");
	ASSERT_STR(optout_keyword_name(OPTOUT_HELP), "help");
	CU_ASSERT_PTR_NULL(optout_keyword_name(OPTOUT_NONE));
	CU_ASSERT_EQUAL(optout_keyword_of("help"), OPTOUT_HELP);
	CU_ASSERT_EQUAL(optout_keyword_of(NULL), OPTOUT_NONE);
	CU_ASSERT_EQUAL(optout_keyword_of("STOP"), OPTOUT_NONE);
}

static void replies_by_provider(void)
{
	struct config c;

	config_defaults(&c);
	CU_ASSERT_TRUE(optout_replies(&c, "extreme", OPTOUT_STOP));
	CU_ASSERT_TRUE(optout_replies(&c, "extreme", OPTOUT_HELP));
	CU_ASSERT_FALSE(optout_replies(&c, "twilio", OPTOUT_STOP));
	CU_ASSERT_FALSE(optout_replies(&c, "extreme", OPTOUT_NONE));
	c.optout.reply_via_twilio = true;
	CU_ASSERT_TRUE(optout_replies(&c, "twilio", OPTOUT_START));
	ASSERT_STR(optout_reply_text(&c, OPTOUT_START),
		   "You are subscribed again. Reply STOP to unsubscribe.");
	/* An empty text sends nothing, over any provider. */
	c.optout.help_reply[0] = '\0';
	CU_ASSERT_PTR_NULL(optout_reply_text(&c, OPTOUT_HELP));
	CU_ASSERT_FALSE(optout_replies(&c, "extreme", OPTOUT_HELP));
	config_free(&c);
}

static const struct test_case tests[] = {
	{"every keyword of DESIGN maps to stop, start or help", every_design_keyword},
	{"a keyword matches in any case, surrounded by whitespace", any_case_and_trimmed},
	{"only the whole body is a keyword (\"STOP please\" is not)", whole_body_only},
	{"keyword names round-trip", names_round_trip},
	{"answers: Extreme always, Twilio with reply_via_twilio, never empty", replies_by_provider},
	{NULL, NULL},
};

void suite_optout(void)
{
	test_add_suite("optout", tests);
}
