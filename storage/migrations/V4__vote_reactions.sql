-- A vote is a member's, not a reaction's: the live reactions behind each vote, one row per
-- message and per reaction as the platform names it (skin tones apart), so removing one of
-- two matching reactions (on the link and on the card, or 👍 and 👍🏽) keeps the vote, and
-- the vote ends when the member's last one is gone.
CREATE TABLE reactions (
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    member_id     TEXT NOT NULL,
    emoji         TEXT NOT NULL,  -- the vote emoji it counts as (skin tones dropped)
    message_id    TEXT NOT NULL,
    reaction      TEXT NOT NULL,  -- the platform's own reaction: "👍🏽", "+1::skin-tone-2"
    PRIMARY KEY (submission_id, member_id, emoji, message_id, reaction)
) WITHOUT ROWID;

-- direct: cast by number or a button, not by a reaction; a recount (which sees reactions
-- only) and reaction removals leave such a vote alone. Older votes all came from reactions
-- or the console, which has no recount.
ALTER TABLE votes ADD COLUMN direct INTEGER NOT NULL DEFAULT 0;
