/*
 * Conversations for the operators' web inbox: one per phone number that
 * wrote to or was written to by a client, with its last message, unread
 * count and last activity.  Owns the conversations table (a summary kept
 * by triggers on incoming_messages and outgoing_messages); reads those
 * tables for threads.
 */
#ifndef IBIKI_DB_CONVERSATIONS_H
#define IBIKI_DB_CONVERSATIONS_H

#include <stdbool.h>

#include "db/db.h"

struct conversation {
	const char *phone;
	const char *direction; /* in | out: of the last message */
	const char *last_body;
	size_t last_len;
	const char *provider;
	const char *last_at;
	long long unread;
	long long messages;
	bool opted_out; /* the number is suppressed */
};

/* The client's conversations, most recent activity first, at most limit
 * (and at most DB_PAGE_BYTES of last-message text). */
enum db_rc db_conversations_list(struct db *db, struct arena *a, long long client_id,
				 long long limit, struct conversation **out, size_t *n);

struct thread_msg {
	long long id;
	const char *direction; /* in | out */
	const char *body;
	size_t len;
	const char *at;
	const char *status; /* outbound: its status; inbound: NULL */
	const char *provider;
	const char *keyword; /* inbound: its keyword, or NULL */
	const char *media;   /* inbound: its media (stored form), or NULL */
};

/* A place in a thread: the message a page ends at (its id and table). */
struct thread_cursor {
	long long id;
	bool out; /* outgoing_messages; else incoming_messages */
};

/* The messages with phone, both ways, newest first: the newest `limit`
 * before `before` (NULL: the newest of all), and whether older ones are
 * left (*more).  DB_NOTFOUND when the cursor is not a message of this
 * client and phone. */
enum db_rc db_conversations_thread(struct db *db, struct arena *a, long long client_id,
				   const char *phone, const struct thread_cursor *before,
				   long long limit, struct thread_msg **out, size_t *n, bool *more);

#endif
