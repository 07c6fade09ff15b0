-- digestif schema, version 1. Constraints do the integrity work.

CREATE TABLE communities (
    key         TEXT PRIMARY KEY,
    platform    TEXT NOT NULL,
    name        TEXT NOT NULL,
    settings    TEXT NOT NULL DEFAULT '{}',
    next_number INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE members (
    community TEXT NOT NULL REFERENCES communities(key),
    id        TEXT NOT NULL,
    name      TEXT NOT NULL,
    is_bot    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community, id)
);

CREATE TABLE submissions (
    id             INTEGER PRIMARY KEY,
    community      TEXT NOT NULL REFERENCES communities(key),
    number         INTEGER NOT NULL,
    url            TEXT NOT NULL,
    original_url   TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'fetching', 'ready', 'failed')),
    status         TEXT NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'dropped', 'rejected', 'published')),
    submitted_by   TEXT NOT NULL,
    submitted_at   TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    authors        TEXT NOT NULL DEFAULT '[]',
    site_name      TEXT NOT NULL DEFAULT '',
    published      TEXT NOT NULL DEFAULT '',
    language       TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL DEFAULT 'article',
    flag           TEXT,
    summary        TEXT NOT NULL DEFAULT '',
    summary_source TEXT NOT NULL DEFAULT 'none',
    failure_reason TEXT NOT NULL DEFAULT '',
    final_url      TEXT NOT NULL DEFAULT '',
    ready_at       TEXT,
    pinned         INTEGER NOT NULL DEFAULT 0,
    reject_reason  TEXT NOT NULL DEFAULT '',
    attempts       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (community, url),
    UNIQUE (community, number)
);
CREATE INDEX submissions_state ON submissions (state);
CREATE INDEX submissions_ready ON submissions (community, ready_at);

-- Everyone who shared a submission, in order; the first is the submitter.
CREATE TABLE submitters (
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    member_id     TEXT NOT NULL,
    position      INTEGER NOT NULL,
    PRIMARY KEY (submission_id, member_id)
);

-- Chat messages that stand for a submission: the member's original and the bot's card.
CREATE TABLE messages (
    community     TEXT NOT NULL,
    channel       TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('origin', 'card')),
    PRIMARY KEY (community, message_id)
);
CREATE INDEX messages_submission ON messages (submission_id);

CREATE TABLE votes (
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    member_id     TEXT NOT NULL,
    emoji         TEXT NOT NULL,
    direction     INTEGER NOT NULL CHECK (direction IN (-1, 1)),
    created_at    TEXT NOT NULL,
    PRIMARY KEY (submission_id, member_id, emoji)
) WITHOUT ROWID;

CREATE TABLE digests (
    community    TEXT NOT NULL REFERENCES communities(key),
    period       TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('posting', 'posted')),
    started_at   TEXT NOT NULL,
    posted_at    TEXT,
    content      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community, period)
);

CREATE TABLE summary_cache (
    key        TEXT PRIMARY KEY,
    text       TEXT NOT NULL,
    source     TEXT NOT NULL,
    model      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
