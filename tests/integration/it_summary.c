/*
 * Integration: reads bounded by their answer.  The conversations summary
 * (kept by triggers) equals the timeline it summarises after a random mix
 * of inbound, outbound, reads and concurrent writes; threads and the
 * operator lists page with their cursors without missing or repeating a
 * message while messages keep arriving; the delivery-health minutes equal
 * the jobs they count after random finishes, redeliveries and deletes.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "itest.h"
#include "lib/crypto.h"

/* The slow query the summary replaces, per phone of one client: how many
 * of its conversations differ from the summary in any column (or exist on
 * one side only). */
#define TIMELINE                                                                                   \
	"SELECT from_number AS phone, 'in' AS direction, body, received_at AS at, id,"             \
	" read_at IS NULL AS unread FROM incoming_messages WHERE client_id = %1$lld"               \
	" UNION ALL SELECT to_number, 'out', body, queued_at, id, 0 FROM outgoing_messages"        \
	" WHERE client_id = %1$lld"
#define SLOW                                                                                       \
	"SELECT phone, direction, body, at, id, unread_total, total FROM (SELECT t.*,"             \
	" ROW_NUMBER() OVER (PARTITION BY phone ORDER BY at DESC, id DESC) AS rn,"                 \
	" SUM(unread) OVER (PARTITION BY phone) AS unread_total,"                                  \
	" COUNT(*) OVER (PARTITION BY phone) AS total FROM (" TIMELINE ") t) w WHERE rn = 1"

static const char *summary_mismatches(long long client)
{
	return it_sql("SELECT (SELECT COUNT(*) FROM (" SLOW ") s LEFT JOIN conversations c"
		      " ON c.client_id = %1$lld AND c.phone = s.phone"
		      " WHERE c.phone IS NULL OR c.last_direction <> s.direction"
		      " OR c.last_body <> s.body OR c.last_at <> s.at OR c.last_message_id <> s.id"
		      " OR c.unread <> s.unread_total OR c.messages <> s.total)"
		      " + (SELECT COUNT(*) FROM conversations c WHERE c.client_id = %1$lld"
		      " AND c.phone NOT IN (SELECT phone FROM (" TIMELINE ") t2))",
		      client);
}

static unsigned pick(unsigned n)
{
	unsigned char r[2];

	crypto_random(r, sizeof(r));
	return (unsigned)(r[0] << 8 | r[1]) % n;
}

/* Inbound messages from several processes at once, to phones[0..n). */
static void concurrent_inbound(const struct fixture *f, const char *const *phones, int n, int procs,
			       int each)
{
	pid_t kids[8];
	int p, i;

	for (p = 0; p < procs; p++) {
		kids[p] = fork();
		if (kids[p] == 0) {
			it_after_fork();
			for (i = 0; i < each; i++)
				fx_inbound(phones[(p + i) % n], f->number, it_fmt("c%d-%d", p, i));
			_exit(0);
		}
	}
	for (p = 0; p < procs; p++)
		waitpid(kids[p], NULL, 0);
}

static void summary_equals_the_timeline(void)
{
	struct fixture f = fx_new("Summary ");
	const char *key = it_new_key(f.client), *phones[5];
	struct resp r;
	int i;

	for (i = 0; i < 5; i++)
		phones[i] = fx_phone();
	for (i = 0; i < 60; i++) {
		const char *ph = phones[pick(5)];

		switch (pick(4)) {
		case 0:
		case 1:
			fx_inbound(ph, f.number, it_fmt("in %d", i));
			break;
		case 2:
			CU_ASSERT_EQUAL(it_post("/api/v2/sms/send", key,
						it_fmt("{\"to\":\"%s\",\"from\":\"%s\","
						       "\"message\":\"out %d\"}",
						       ph, f.number, i))
						.status,
					202);
			break;
		default:
			CU_ASSERT_EQUAL(
				it_get(it_fmt("/api/web/inbox/%s", fx_esc(ph)), f.op_token).status,
				200);
		}
	}
	concurrent_inbound(&f, phones, 5, 4, 10);
	CU_ASSERT_STRING_EQUAL(summary_mismatches(f.client), "0");
	/* And the API's list is the summary. */
	r = it_get("/api/web/inbox", f.op_token);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT COUNT(*) FROM conversations WHERE client_id = %lld", f.client),
		it_fmt("%lld", it_int(&r, "count")));
}

/* Minutes of delivery_minutes that differ from the jobs they count. */
static const char *health_mismatches(long long client)
{
	return it_sql(
		"SELECT COUNT(*) FROM (SELECT minute, SUM(d) AS d, SUM(x) AS x FROM ("
		" SELECT minute, delivered AS d, dead AS x FROM delivery_minutes"
		" WHERE client_id = %1$lld UNION ALL"
		" SELECT CAST(DATE_FORMAT(finished_at, '%%Y-%%m-%%d %%H:%%i:00') AS DATETIME),"
		" -SUM(status = 'delivered'), -SUM(status = 'dead') FROM push_outbox"
		" WHERE client_id = %1$lld AND kind IN ('webhook', 'status')"
		" AND status IN ('delivered', 'dead') AND finished_at IS NOT NULL"
		" GROUP BY 1) u"
		" GROUP BY minute HAVING d <> 0 OR x <> 0) m",
		client);
}

/* A job of the client, finished `ago` seconds ago (-1: pending), due
 * tomorrow: the running dispatcher leaves it alone. */
static void health_job(long long client, const char *kind, const char *status, int ago)
{
	it_sql("INSERT INTO push_outbox (event_id, kind, client_id, status, finished_at,"
	       " next_attempt_at) VALUES (CONCAT('evt_h', REPLACE(UUID(), '-', '')), '%s', %lld,"
	       " '%s', %s, NOW(3) + INTERVAL 1 DAY)",
	       kind, client, status, ago < 0 ? "NULL" : it_fmt("NOW(3) - INTERVAL %d SECOND", ago));
}

static void delivery_health_equals_its_jobs(void)
{
	static const char *const kinds[] = {"webhook", "status", "ack_sms"};
	static const char *const ends[] = {"delivered", "dead"};
	struct fixture f = fx_new("Health ");
	const char *key = it_new_key(f.client);
	struct resp r;
	int i, k;

	/* Anywhere in the last 26 hours but the ten minutes about the day's
	 * edge, which the edge rows below own. */
	for (i = 0; i < 120; i++) {
		int ago = (int)pick(26 * 3600 - 600);

		if (ago > 86400 - 300)
			ago += 600;
		bool pending = pick(5) == 0;

		health_job(f.client, kinds[pick(3)], pending ? "pending" : ends[pick(2)],
			   pending ? -1 : ago);
	}
	/* The edge: jobs every 10 s from 55 s past it to 55 s short of it,
	 * so that its minute holds jobs in the day and jobs out of it. */
	for (k = -55; k <= 55; k += 10)
		health_job(f.client, "webhook", ends[pick(2)], 86400 + k);
	for (i = 0; i < 80; i++) {
		const char *id = it_sql("SELECT id FROM push_outbox WHERE client_id = %lld"
					" ORDER BY RAND() LIMIT 1",
					f.client);

		switch (pick(4)) {
		case 0: /* redelivered: pending again */
			it_sql("UPDATE push_outbox SET status = 'pending', finished_at = NULL,"
			       " next_attempt_at = NOW(3) + INTERVAL 1 DAY WHERE id = %s",
			       id);
			break;
		case 1: /* finished, now or earlier */
			it_sql("UPDATE push_outbox SET status = '%s', finished_at = NOW(3) -"
			       " INTERVAL %u SECOND WHERE id = %s",
			       ends[pick(2)], pick(80000), id);
			break;
		case 2: /* purged or erased */
			it_sql("DELETE FROM push_outbox WHERE id = %s", id);
			health_job(f.client, kinds[pick(3)], ends[pick(2)], (int)pick(80000));
			break;
		default: /* claimed: neither status nor time changes */
			it_sql("UPDATE push_outbox SET lease_owner = 'test', attempts = attempts + "
			       "1"
			       " WHERE id = %s",
			       id);
		}
	}
	CU_ASSERT_STRING_EQUAL(health_mismatches(f.client), "0");
	/* The API's counts are the slow query's, edge minute included. */
	r = it_get("/api/v2/webhooks/status", key);
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(
		it_fmt("%lld %lld", it_int(&r, "dead"), it_int(&r, "delivered")),
		it_sql("SELECT CONCAT(SUM(status = 'dead'), ' ', SUM(status = 'delivered'))"
		       " FROM push_outbox WHERE client_id = %lld AND kind IN ('webhook', 'status')"
		       " AND finished_at >= NOW(3) - INTERVAL 1 DAY",
		       f.client));
}

/* Messages of one phone with the same time, both ways: ties in the
 * thread's order. */
static void seed_thread(const struct fixture *f, const char *phone, int n)
{
	it_sql("INSERT INTO incoming_messages (provider, provider_message_id, client_id,"
	       " from_number, to_number, body, received_at)"
	       " SELECT 'twilio', CONCAT('%s-', seq), %lld, '%s', '%s', CONCAT('in ', seq),"
	       " '2026-11-01 10:00:00.000' + INTERVAL (seq DIV 3) SECOND FROM seq_1_to_%d",
	       it_unique("SMseed"), f->client, phone, f->number, n);
	it_sql("INSERT INTO outgoing_messages (client_id, provider, to_number, from_number, body,"
	       " segments, encoding, sent_by, status, status_rank, queued_at)"
	       " SELECT %lld, 'twilio', '%s', '%s', CONCAT('out ', seq), 1, 'GSM-7', 'system',"
	       " 'delivered', 4,"
	       " '2026-11-01 10:00:00.000' + INTERVAL (seq DIV 2) SECOND FROM seq_1_to_%d",
	       f->client, phone, f->number, n);
}

/* Every id of the thread, paged by `before` with `limit`, newest page
 * first; returns how many pages. */
static int page_thread(const struct fixture *f, const char *phone, int limit, char ***ids,
		       size_t *nids)
{
	const char *before = NULL;
	int pages = 0;

	*nids = 0;
	*ids = calloc(4096, sizeof(char *));
	do {
		struct resp r =
			it_get(it_fmt("/api/web/inbox/%s?limit=%d%s%s", fx_esc(phone), limit,
				      before ? "&before=" : "", before ? before : ""),
			       f->op_token);
		const struct json *m, *next;

		CU_ASSERT_EQUAL_FATAL(r.status, 200);
		for (m = it_member(r.json, "messages")->first; m && *nids < 4096; m = m->next)
			(*ids)[(*nids)++] = (char *)it_member(m, "id")->s;
		next = it_member(r.json, "next");
		before = next && next->type == JSON_STRING ? next->s : NULL;
		pages++;
	} while (before != NULL && pages < 1000);
	return pages;
}

static int count_of(char **ids, size_t n, const char *id)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += strcmp(ids[i], id) == 0;
	return c;
}

static void thread_pages_miss_and_repeat_nothing(void)
{
	struct fixture f = fx_new("Pages ");
	const char *phone = fx_phone(), *phones[1] = {phone};
	char **ids;
	size_t n, i;
	const char *all;
	pid_t writer;
	int pages;

	seed_thread(&f, phone, 40);
	/* Messages keep arriving (newer than every seeded one) while paging. */
	writer = fork();
	if (writer == 0) {
		it_after_fork();
		concurrent_inbound(&f, phones, 1, 2, 10);
		_exit(0);
	}
	pages = page_thread(&f, phone, 7, &ids, &n);
	waitpid(writer, NULL, 0);
	CU_ASSERT_TRUE(pages >= 12);
	/* Each seeded message exactly once, whatever arrived meanwhile. */
	all = it_sql("SELECT GROUP_CONCAT(x) FROM (SELECT CONCAT('msg_', id) AS x FROM"
		     " incoming_messages WHERE client_id = %lld AND body LIKE 'in %%'"
		     " UNION ALL SELECT CONCAT('out_', id) FROM outgoing_messages"
		     " WHERE client_id = %lld AND body LIKE 'out %%') t",
		     f.client, f.client);
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	for (char *s = strdup(all), *tok = strtok(s, ","); tok; tok = strtok(NULL, ","))
		CU_ASSERT_EQUAL(count_of(ids, n, tok), 1);
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(count_of(ids, n, ids[i]), 1);
	/* A cursor of another conversation is refused. */
	CU_ASSERT_EQUAL(it_get(it_fmt("/api/web/inbox/%s?before=%s", fx_esc(fx_phone()), ids[0]),
			       f.op_token)
				.status,
			400);
	free(ids);
}

static void message_list_pages_with_before_and_after(void)
{
	struct fixture f = fx_new("ListPages ");
	const char *phone = fx_phone(), *phones[1] = {phone}, *before = NULL, *after = NULL;
	const char *seeded;
	int newest_first = 0, oldest_first = 0, pages;
	pid_t writer;

	seed_thread(&f, phone, 30);
	seeded = it_sql("SELECT COUNT(*) FROM incoming_messages WHERE client_id = %lld", f.client);
	writer = fork();
	if (writer == 0) {
		it_after_fork();
		concurrent_inbound(&f, phones, 1, 2, 8);
		_exit(0);
	}
	/* Newest first: at least what existed before the first page. */
	for (pages = 0; pages < 100; pages++) {
		struct resp r = it_get(it_fmt("/api/messages/incoming?limit=4%s%s",
					      before ? "&before=" : "", before ? before : ""),
				       f.op_token);
		const struct json *next = it_member(r.json, "next");

		CU_ASSERT_EQUAL_FATAL(r.status, 200);
		newest_first += (int)it_int(&r, "count");
		if (next == NULL || next->type != JSON_STRING)
			break;
		before = next->s;
	}
	waitpid(writer, NULL, 0);
	CU_ASSERT_TRUE(newest_first >= atoi(seeded));
	/* Oldest first with after: everything, the new ones last. */
	for (pages = 0; pages < 100; pages++) {
		struct resp r = it_get(it_fmt("/api/messages/incoming?sort=asc&limit=5%s%s",
					      after ? "&after=" : "", after ? after : ""),
				       f.op_token);
		const struct json *next = it_member(r.json, "next");

		CU_ASSERT_EQUAL_FATAL(r.status, 200);
		oldest_first += (int)it_int(&r, "count");
		if (next == NULL || next->type != JSON_STRING)
			break;
		after = next->s;
	}
	CU_ASSERT_EQUAL(oldest_first, atoi(it_sql("SELECT COUNT(*) FROM incoming_messages"
						  " WHERE client_id = %lld",
						  f.client)));
	CU_ASSERT_EQUAL(
		it_get("/api/messages/outgoing?operatorId=nobody-sent-this", f.op_token).status,
		200);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"the conversations summary equals the timeline after random and concurrent writes",
	 summary_equals_the_timeline},
	{"thread pages with before miss and repeat nothing while messages arrive",
	 thread_pages_miss_and_repeat_nothing},
	{"message lists page with before, after and next",
	 message_list_pages_with_before_and_after},
	{"delivery-health minutes equal their jobs after finishes, redeliveries and deletes",
	 delivery_health_equals_its_jobs},
};

void it_suite_summary(void)
{
	CU_pSuite s = CU_add_suite("summaries and paging", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
