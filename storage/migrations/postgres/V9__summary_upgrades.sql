-- digestif schema, version 9, for PostgreSQL: ../V9__summary_upgrades.sql with the submission
-- id as BIGINT, the type of submissions.id here (SQLite's INTEGER is 64-bit already).
CREATE TABLE summary_upgrades (
    submission_id BIGINT PRIMARY KEY REFERENCES submissions(id) ON DELETE CASCADE,
    state         TEXT NOT NULL DEFAULT 'kept' CHECK (state IN ('kept', 'pending', 'done')),
    article_text  TEXT NOT NULL DEFAULT '',
    changed_at    TEXT NOT NULL
);
CREATE INDEX summary_upgrades_state ON summary_upgrades (state);
