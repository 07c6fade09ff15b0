-- A vote is a member's, not a reaction's: the live reactions behind each vote, one row per
-- message and per reaction as the platform names it (skin tones apart), so removing one of
-- two matching reactions (on the link and on the card, or 👍 and 👍🏽) keeps the vote, and
-- the vote ends when the member's last one is gone.
CREATE TABLE reactions (
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    member_id     TEXT NOT NULL,
    emoji         TEXT NOT NULL,  -- the vote emoji it counts as, skin tones dropped
    message_id    TEXT NOT NULL,
    reaction      TEXT NOT NULL,  -- the platform's own reaction, skin tone included
    -- message_id and reaction are both '' for a reaction whose message is unknown: a vote
    -- from before this table, or from a recount or a test that did not say
    direction     INTEGER NOT NULL CHECK (direction IN (-1, 1)),
    created_at    TEXT NOT NULL,
    PRIMARY KEY (submission_id, member_id, emoji, message_id, reaction)
) WITHOUT ROWID;

-- Votes stored before: which reactions they came from is unknown. Each gets one reaction row
-- that any matching removal (or clear) takes away, so they end as they did before.
INSERT INTO reactions (submission_id, member_id, emoji, message_id, reaction, direction,
                       created_at)
SELECT submission_id, member_id, emoji, '', '', direction, created_at FROM votes;

-- direct: cast by number or a button, not by a reaction; recounts and reaction removals
-- leave such a vote alone. Older votes all came from reactions or the console.
ALTER TABLE votes ADD COLUMN direct INTEGER NOT NULL DEFAULT 0;

-- The vote follows its reactions within the same statement, so one reaction event is one
-- write: the first reaction casts the vote, the last one gone ends it.
CREATE TRIGGER reaction_added AFTER INSERT ON reactions BEGIN
    INSERT OR IGNORE INTO votes (submission_id, member_id, emoji, direction, created_at)
    VALUES (NEW.submission_id, NEW.member_id, NEW.emoji, NEW.direction, NEW.created_at);
END;

CREATE TRIGGER reaction_removed AFTER DELETE ON reactions BEGIN
    DELETE FROM votes WHERE submission_id = OLD.submission_id AND member_id = OLD.member_id
        AND emoji = OLD.emoji AND NOT direct AND NOT EXISTS (
            SELECT 1 FROM reactions r WHERE r.submission_id = OLD.submission_id
            AND r.member_id = OLD.member_id AND r.emoji = OLD.emoji);
END;
