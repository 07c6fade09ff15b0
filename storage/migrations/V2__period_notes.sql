-- A moderator's notes on a community's digest period: the intro paragraph and the vote lock.
CREATE TABLE period_notes (
    community TEXT NOT NULL REFERENCES communities(key),
    period    TEXT NOT NULL,
    intro     TEXT NOT NULL DEFAULT '',
    locked    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community, period)
);
