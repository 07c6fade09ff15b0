-- A chat app installed in many workspaces: each installation's credentials (JSON from the
-- platform's SDK), and when it was removed. A removed installation keeps its row, without
-- credentials, so its community's data can be purged 30 days later.
CREATE TABLE installations (
    platform     TEXT NOT NULL,
    team         TEXT NOT NULL,
    data         TEXT NOT NULL DEFAULT '',
    installed_at TEXT NOT NULL,
    removed_at   TEXT,
    PRIMARY KEY (platform, team)
);

-- The OAuth flow's state values: each is used once, before it expires.
CREATE TABLE oauth_states (
    state      TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
);
