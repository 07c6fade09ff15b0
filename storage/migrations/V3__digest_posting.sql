-- Posting a digest safely, and what moderators were told once.
-- picks: the JSON list of submission ids a digest publishes, written with the claim just
-- before the post goes out, so a crash between posting and recording is settled with them.
ALTER TABLE digests ADD COLUMN picks TEXT NOT NULL DEFAULT '';
-- url: where the posted digest can be read (a message permalink), when the platform says.
ALTER TABLE digests ADD COLUMN url TEXT NOT NULL DEFAULT '';

-- One-time notices to a community (e.g. "no digest channel is set"), so a restart does not
-- repeat them.
CREATE TABLE notices (
    community TEXT NOT NULL REFERENCES communities(key),
    notice    TEXT NOT NULL,
    sent_at   TEXT NOT NULL,
    PRIMARY KEY (community, notice)
);

-- The week's numbers in the digest footer: links and votes by time.
CREATE INDEX submissions_submitted ON submissions (community, submitted_at);
CREATE INDEX votes_created ON votes (created_at);
