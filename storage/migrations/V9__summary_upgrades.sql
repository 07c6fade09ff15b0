-- LLM summaries written after a link is ready (the community setting llm_summaries): each
-- ready link's article text is kept here until its upgrade is done, and the upgrade's step
-- state is stored, so one asked for and cut short by a crash resumes on the next start.
--   kept:    the text is here; nobody asked for the model's summary (yet)
--   pending: asked for (llm_summaries = all, a first vote, a digest pick), not done
--   done:    finished; the summary it ended with is the submission's (summary_source says
--            whose), and the text is no longer kept
CREATE TABLE summary_upgrades (
    submission_id INTEGER PRIMARY KEY REFERENCES submissions(id) ON DELETE CASCADE,
    state         TEXT NOT NULL DEFAULT 'kept' CHECK (state IN ('kept', 'pending', 'done')),
    article_text  TEXT NOT NULL DEFAULT '',
    changed_at    TEXT NOT NULL
);
CREATE INDEX summary_upgrades_state ON summary_upgrades (state);
