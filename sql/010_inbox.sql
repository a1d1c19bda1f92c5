-- 010 the dashboard's inbox: how many messages are unread, over all of a
-- client's conversations, read from an index as long as the conversations
-- that have unread messages (the tab title shows it on every refresh).
-- The conversations row is rewritten by every message anyway; this moves
-- one more entry of a small, hot index.  Forward-only, safe to run twice.

ALTER TABLE conversations ADD KEY IF NOT EXISTS ix_conversations_unread (client_id, unread);
