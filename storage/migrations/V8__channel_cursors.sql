-- The last message seen in each chat channel, so links posted while the bot was offline are
-- read back once on start or reconnect, and never twice. ``last_seen`` is the platform's
-- message position written so that later messages sort after earlier ones as text.
CREATE TABLE channel_cursors (
    community TEXT NOT NULL REFERENCES communities(key),
    channel   TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    seen_at   TEXT NOT NULL,
    PRIMARY KEY (community, channel)
);
