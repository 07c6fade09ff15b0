-- Links held over a member's daily limit (the member_limit setting): stored, never dropped,
-- and queued at release_at. One row per member and canonical URL.
CREATE TABLE held_links (
    community    TEXT NOT NULL REFERENCES communities(key),
    member_id    TEXT NOT NULL,
    member_name  TEXT NOT NULL DEFAULT '',
    url          TEXT NOT NULL,
    original_url TEXT NOT NULL,
    channel      TEXT NOT NULL DEFAULT '',
    message_id   TEXT NOT NULL DEFAULT '',
    held_at      TEXT NOT NULL,
    release_at   TEXT NOT NULL,
    PRIMARY KEY (community, member_id, url)
);
CREATE INDEX held_links_release ON held_links (release_at);
-- What the limit counts: a member's own submissions by the time they were queued.
CREATE INDEX submissions_submitter ON submissions (community, submitted_by, submitted_at);
