-- Each period's e-mail, claimed before it is sent and recorded after, so a posted digest is
-- e-mailed at most once (bot/mailing.py). state: 'sending' (claimed), 'sent' or 'failed'.
-- attempt: 1 for the send after posting, one more each time it is sent again on purpose;
-- it is part of the Message-ID, so a retry within an attempt carries the same one.
CREATE TABLE mail_log (
    community   TEXT NOT NULL REFERENCES communities(key),
    period      TEXT NOT NULL,
    state       TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    recipients  INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community, period)
);
CREATE INDEX mail_log_state ON mail_log (state, started_at);
