/*
 * Integration: retention and erasure through `ibikictl purge` and
 * `ibikictl erase` against the real database.  Each removes exactly what
 * it should -- old rows, one person's rows -- and nothing of another
 * client or of what is still needed (a pending job, a recent message),
 * and the conversations summary stays equal to what is left.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "itest.h"

/* n old (40 days) and n recent messages each way between f's number and
 * phone, with a finished job and an attempt for each inbound one. */
static void seed(const struct fixture *f, const char *phone, const char *tag, int n)
{
	int old;

	for (old = 0; old < 2; old++) {
		const char *at = old ? "NOW(3) - INTERVAL 40 DAY" : "NOW(3) - INTERVAL 1 HOUR";

		it_sql("INSERT INTO incoming_messages (provider, provider_message_id, client_id,"
		       " from_number, to_number, body, received_at, read_at)"
		       " SELECT 'twilio', CONCAT('%s-%d-', seq), %lld, '%s', '%s', 'seeded', %s, %s"
		       " FROM seq_1_to_%d",
		       tag, old, f->client, phone, f->number, at, at, n);
		it_sql("INSERT INTO outgoing_messages (client_id, provider, to_number, from_number,"
		       " body, segments, encoding, sent_by, status, status_rank, queued_at)"
		       " SELECT %lld, 'twilio', '%s', '%s', 'seeded', 1, 'GSM-7', 'system',"
		       " 'delivered', 4, %s FROM seq_1_to_%d",
		       f->client, phone, f->number, at, n);
		it_sql("INSERT INTO push_outbox (event_id, kind, client_id, incoming_id, status,"
		       " attempts, finished_at) SELECT CONCAT('evt_%s', id), 'webhook', client_id, "
		       "id,"
		       " 'delivered', 1, received_at FROM incoming_messages"
		       " WHERE provider_message_id LIKE '%s-%d-%%'",
		       tag, tag, old);
	}
	it_sql("INSERT INTO push_attempts (outbox_id, attempt, started_at, duration_ms, outcome)"
	       " SELECT o.id, 1, o.finished_at, 5, 'delivered' FROM push_outbox o"
	       " WHERE o.event_id LIKE 'evt_%s%%'",
	       tag);
}

static const char *count(const char *table, const char *who, long long client)
{
	return it_sql("SELECT COUNT(*) FROM %s WHERE %s = %lld", table, who, client);
}

static void purge_removes_old_rows_only(void)
{
	struct fixture a = fx_new("PurgeA "), b = fx_new("PurgeB ");
	const char *pa = fx_phone(), *pb = fx_phone(), *tag_a = it_unique("pa"),
		   *tag_b = it_unique("pb");
	long long pending;

	seed(&a, pa, tag_a, 12);
	seed(&b, pb, tag_b, 12);
	/* An old message whose delivery is still pending is kept. */
	it_sql("UPDATE push_outbox SET status = 'pending', finished_at = NULL,"
	       " next_attempt_at = NOW(3) + INTERVAL 1 DAY WHERE incoming_id ="
	       " (SELECT MIN(id) FROM incoming_messages WHERE provider_message_id LIKE '%s-1-%%')",
	       tag_a);
	pending = atoll(it_sql("SELECT incoming_id FROM push_outbox WHERE status = 'pending'"
			       " AND event_id LIKE 'evt_%s%%'",
			       tag_a));
	it_sql("INSERT INTO idempotency_keys (client_id, scope, idem_key, request_hash, created_at)"
	       " VALUES (%lld, 'test', '%s-old', REPEAT('x', 32), NOW(3) - INTERVAL 2 DAY),"
	       " (%lld, 'test', '%s-new', REPEAT('x', 32), NOW(3))",
	       a.client, tag_a, a.client, tag_a);
	CU_ASSERT_PTR_NOT_NULL(
		it_sh(NULL, "IBIKI_RETENTION_MESSAGES_DAYS=30 IBIKI_RETENTION_ATTEMPTS_DAYS=30"
			    " IBIKI_RETENTION_BATCH=10 " IT_CTL " purge >/dev/null && echo ok"));
	/* Of each client: the 12 recent messages each way (and the pending
	 * one), though the batches (10) cut through both clients' rows. */
	CU_ASSERT_STRING_EQUAL(count("incoming_messages", "client_id", a.client), "13");
	CU_ASSERT_STRING_EQUAL(count("outgoing_messages", "client_id", a.client), "12");
	CU_ASSERT_STRING_EQUAL(count("incoming_messages", "client_id", b.client), "12");
	CU_ASSERT_STRING_EQUAL(count("outgoing_messages", "client_id", b.client), "12");
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT COUNT(*) FROM incoming_messages WHERE id = %lld", pending), "1");
	/* Jobs and attempts: the recent ones and the pending one. */
	CU_ASSERT_STRING_EQUAL(count("push_outbox", "client_id", a.client), "13");
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM push_attempts t JOIN push_outbox o"
				      " ON o.id = t.outbox_id WHERE o.client_id = %lld",
				      b.client),
			       "12");
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT GROUP_CONCAT(idem_key) FROM idempotency_keys"
				      " WHERE client_id = %lld",
				      a.client),
			       it_fmt("%s-new", tag_a));
	/* The summary counts what is left. */
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT messages FROM conversations WHERE client_id = %lld"
				      " AND phone = '%s'",
				      b.client, pb),
			       "24");
}

static void erase_removes_one_person(void)
{
	struct fixture f = fx_new("Erase "), other = fx_new("EraseOther ");
	const char *phone = fx_phone(), *keep = fx_phone(), *out;

	fx_user(&f, phone, "To Be Forgotten", "active");
	fx_user(&other, phone, "Same Number Elsewhere", "active");
	seed(&f, phone, it_unique("er"), 4);
	seed(&f, keep, it_unique("ek"), 2);
	seed(&other, phone, it_unique("eo"), 3);
	fx_inbound(phone, f.number, "a live one, with its acknowledgement job");
	/* Its acknowledgement is made (an outgoing row) before the erasure. */
	CU_ASSERT_TRUE(it_wait_sql("9", 15000,
				   "SELECT COUNT(*) FROM outgoing_messages WHERE client_id = %lld"
				   " AND to_number = '%s'",
				   f.client, phone));
	out = it_sh(NULL, IT_CTL " erase '%s' --client %lld --note 'request 42'", phone, f.client);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "9 inbound, 9 outbound"));
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM incoming_messages WHERE client_id ="
				      " %lld AND from_number = '%s'",
				      f.client, phone),
			       "0");
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM outgoing_messages WHERE client_id ="
				      " %lld AND to_number = '%s'",
				      f.client, phone),
			       "0");
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM users WHERE client_id = %lld AND"
				      " phone = '%s'",
				      f.client, phone),
			       "0");
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM conversations WHERE client_id = %lld"
				      " AND phone = '%s'",
				      f.client, phone),
			       "0");
	/* Their jobs and attempts went with them; nothing of anyone else. */
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM push_outbox o LEFT JOIN"
				      " incoming_messages m ON m.id = o.incoming_id"
				      " WHERE o.client_id = %lld AND m.id IS NULL",
				      f.client),
			       "0");
	CU_ASSERT_STRING_EQUAL(count("incoming_messages", "client_id", f.client), "4");
	CU_ASSERT_STRING_EQUAL(count("incoming_messages", "client_id", other.client), "6");
	CU_ASSERT_STRING_EQUAL(count("outgoing_messages", "client_id", other.client), "6");
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT COUNT(*) FROM users WHERE client_id = %lld", other.client), "1");
	/* The audit: who, how much, and the number only as its hash. */
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT CONCAT(incoming, ' ', outgoing, ' ', users, ' ',"
				      " note, ' ', phone_sha256 = SHA2('%s', 256))"
				      " FROM erasures WHERE client_id = %lld",
				      phone, f.client),
			       "9 9 1 request 42 1");
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT COUNT(*) FROM erasures WHERE client_id = %lld"
		       " AND CONCAT_WS(' ', phone_sha256, actor, note) LIKE '%%%s%%'",
		       f.client, phone + 1),
		"0");
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"purge removes old rows only, of every client, in batches", purge_removes_old_rows_only},
	{"erase removes one person of one client, audited", erase_removes_one_person},
};

void it_suite_retention(void)
{
	CU_pSuite s = CU_add_suite("retention", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
