-- Version 4 for PostgreSQL: ../V4__vote_reactions.sql with its triggers in PL/pgSQL.
CREATE TABLE reactions (
    submission_id BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    member_id     TEXT NOT NULL,
    emoji         TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    reaction      TEXT NOT NULL,
    direction     INTEGER NOT NULL CHECK (direction IN (-1, 1)),
    created_at    TEXT NOT NULL,
    PRIMARY KEY (submission_id, member_id, emoji, message_id, reaction)
);

INSERT INTO reactions (submission_id, member_id, emoji, message_id, reaction, direction,
                       created_at)
SELECT submission_id, member_id, emoji, '', '', direction, created_at FROM votes;

ALTER TABLE votes ADD COLUMN direct INTEGER NOT NULL DEFAULT 0;

-- The vote follows its reactions within the same statement: the first reaction casts the
-- vote, the last one gone ends it.
CREATE FUNCTION reaction_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO votes (submission_id, member_id, emoji, direction, created_at)
    VALUES (NEW.submission_id, NEW.member_id, NEW.emoji, NEW.direction, NEW.created_at)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER reaction_added AFTER INSERT ON reactions
    FOR EACH ROW EXECUTE FUNCTION reaction_added();

CREATE FUNCTION reaction_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM votes WHERE submission_id = OLD.submission_id AND member_id = OLD.member_id
        AND emoji = OLD.emoji AND direct = 0 AND NOT EXISTS (
            SELECT 1 FROM reactions r WHERE r.submission_id = OLD.submission_id
            AND r.member_id = OLD.member_id AND r.emoji = OLD.emoji);
    RETURN NULL;
END
$$;
CREATE TRIGGER reaction_removed AFTER DELETE ON reactions
    FOR EACH ROW EXECUTE FUNCTION reaction_removed();
