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
	bool opted_out;		 /* the number is suppressed */
	const char *user_name;	 /* the registered user's, or NULL */
	const char *user_status; /* active | inactive, or NULL: not registered */
};

/* Where a page of the conversation list ends: the last conversation's
 * activity time (database form) and phone. */
struct conv_cursor {
	const char *at;
	const char *phone;
};

/* Which conversations: the most recent first (q NULL), before `before`
 * when set; or a search, q_phone a number prefix ("+1202", in number
 * order) or else q_name a registered user's name prefix (in name order). */
struct conv_query {
	const struct conv_cursor *before;
	const char *q_phone;
	const char *q_name;
	long long limit;
};

/* The client's conversations as q asks, at most q->limit (and at most
 * DB_PAGE_BYTES of last-message text); *more: whether the list goes on
 * past them. */
enum db_rc db_conversations_list(struct db *db, struct arena *a, long long client_id,
				 const struct conv_query *q, struct conversation **out, size_t *n,
				 bool *more);

/* How many of the client's conversations have unread messages, and how
 * many unread messages they have, over at most DB_UNREAD_MAX + 1 of them
 * (read from the unread index): *conversations > DB_UNREAD_MAX means
 * "more than DB_UNREAD_MAX", the messages counted in those only. */
#define DB_UNREAD_MAX	  1000
#define DB_UNREAD_MAX_SQL "1001"
enum db_rc db_conversations_unread(struct db *db, struct arena *a, long long client_id,
				   long long *conversations, long long *messages);

/* Who a conversation is with: the registered user's name and status
 * (NULL, NULL when not registered), and whether the number ever wrote in
 * (a reply goes back the way a message came). */
struct conv_peer {
	const char *name;
	const char *status;
	bool has_inbound;
};

enum db_rc db_conversations_peer(struct db *db, struct arena *a, long long client_id,
				 const char *phone, struct conv_peer *out);

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
