-- Work shared by several processes (issue 15).

-- An ingest job is claimed with a lease: the owner (host:pid:random) and until when the
-- claim holds. A worker renews it while it works; once it has lapsed, any worker takes the
-- job over. Both are NULL unless the submission is 'fetching'.
ALTER TABLE submissions ADD COLUMN lease_owner TEXT;
ALTER TABLE submissions ADD COLUMN lease_until TEXT;
CREATE INDEX submissions_claimable ON submissions (state, lease_until);

-- Named locks with a lease (the digest scheduler's), for stores without advisory locks.
CREATE TABLE leases (
    name  TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    until TEXT NOT NULL
);

-- Events already handled (Slack's retries carry the same event id), kept until they expire,
-- so every process drops a retry, not only the one that saw the first delivery.
CREATE TABLE seen_events (
    scope    TEXT NOT NULL,
    event_id TEXT NOT NULL,
    seen_at  TEXT NOT NULL,
    PRIMARY KEY (scope, event_id)
);
CREATE INDEX seen_events_age ON seen_events (seen_at);

-- Counters that announce a change to every process: 'settings' grows with each settings
-- change, and processes drop their cached communities when it moved.
CREATE TABLE change_counters (
    name    TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO change_counters (name, version) VALUES ('settings', 0);

-- The hash of the slash commands last synced, per application, so a login syncs them only
-- when they changed.
CREATE TABLE command_syncs (
    application TEXT PRIMARY KEY,
    hash        TEXT NOT NULL,
    synced_at   TEXT NOT NULL
);
