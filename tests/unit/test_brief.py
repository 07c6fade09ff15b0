"""The offline TL;DR: one sentence per top pick that says more than its title."""

from __future__ import annotations

import re

import pytest

from adapters.console.render import clean as console_clean
from adapters.discord.render import escape as discord_escape
from adapters.slack.render import escape as slack_escape
from bot.models import BriefItem, SourceKind
from bot.render.markdown import escape as markdown_escape
from bot.render.text import plain
from bot.summarize.brief import ALSO_EMOJI, brief_emoji, bullets_from_answer, offline_brief
from bot.summarize.lead import (
    MAX_WORDS,
    lead_sentence,
    repeats_title,
    split_sentences,
    trim_to_clause,
)

BUDGET = (
    "The city council approved a new budget for public transport on Monday, after months of "
    "debate and several delays caused by the pandemic and a long strike by drivers. "
    "The plan adds forty electric buses and extends night service on six routes. "
    "He added that the vote was rushed."
)
PICKS = [
    BriefItem("City approves transport budget", BUDGET),
    BriefItem("Lab releases open model", "Lab releases open model. The weights are free to "
              "download, and the licence allows commercial use."),
    BriefItem("Sparse attention", "We show that sparse attention handles inputs of a "
              "million tokens at a tenth of the cost.", kind=SourceKind.PAPER),
    BriefItem("Teaching with chatbots: a guide", "Teachers can draft lesson plans with "
              "chatbots in minutes. It saves hours, a survey says."),
    BriefItem("GPU prices fall", "GPU rental prices fell by a third this quarter as new "
              "data centres came online."),
    BriefItem("Story six", "Regulators fined the company for hiding a data breach."),
    BriefItem("Story seven", "A court blocked the merger of two chip makers."),
]
CLAUSE_END = re.compile(r"[.!?…\"”)]$")


def _text(bullet: str) -> str:
    return bullet.split(" ", 1)[1]


def test_one_bullet_per_top_pick_never_the_title() -> None:
    bullets = offline_brief(PICKS)
    assert len(bullets) == 6
    for pick, bullet in zip(PICKS[:5], bullets, strict=False):
        text = _text(bullet)
        assert not repeats_title(text, pick.title), bullet
        assert not text.lower().startswith(pick.title.lower()), bullet
        assert CLAUSE_END.search(text), f"ends mid-phrase: {bullet}"
        assert len(text.split()) <= MAX_WORDS


def test_the_lead_is_the_central_sentence_trimmed_at_a_clause() -> None:
    bullets = offline_brief(PICKS)
    # A bare "and" joins nouns as often as clauses: the cut is at the comma.
    assert _text(bullets[0]) == ("The city council approved a new budget for public transport "
                                 "on Monday.")
    # The title read back as the summary's first sentence is skipped for the next one.
    assert _text(bullets[1]) == ("The weights are free to download, and the licence allows "
                                 "commercial use.")
    assert _text(bullets[3]) == "Teachers can draft lesson plans with chatbots in minutes."


def test_also_names_the_rest_by_whole_titles() -> None:
    also = offline_brief(PICKS)[-1]
    assert also == f"{ALSO_EMOJI} Also: Story six; Story seven."
    many = PICKS + [BriefItem(f"A rather long title number {i} about things", "x")
                    for i in range(6)]
    also = offline_brief(many)[-1]
    titles = re.findall(r"A rather long title number \d+ about things", also)
    assert also.startswith(f"{ALSO_EMOJI} Also: Story six; Story seven; ")
    assert also.endswith("; and 5 more picks."), also
    assert len(titles) == 1, "whole titles only, the rest counted"


def test_a_title_too_long_for_the_also_line_is_counted_not_cut() -> None:
    long_title = " ".join(["word"] * 30)
    picks = [*PICKS[:5], BriefItem(long_title, "")]
    assert offline_brief(picks)[-1] == f"{ALSO_EMOJI} Also: 1 more pick below."


@pytest.mark.parametrize("summary", [
    "Lab releases open model",
    "Lab releases open model.",
    "Lab releases open model: what you need to know about it today.",
    "LAB RELEASES OPEN MODEL, and more.",
    "Lab releases.",
    "",
])
def test_a_summary_that_only_repeats_the_title_gives_no_bullet(summary: str) -> None:
    pick = BriefItem("Lab releases open model", summary)
    assert lead_sentence(pick) == ""
    bullets = offline_brief([pick, PICKS[0]])
    assert all(not _text(b).lower().startswith("lab releases") for b in bullets[:-1])
    assert bullets[-1] == f"{ALSO_EMOJI} Also: Lab releases open model."


def test_no_bullets_means_no_tldr() -> None:
    assert offline_brief([BriefItem("Story", "Story."), BriefItem("Other", "")]) == ()
    assert offline_brief([]) == ()


@pytest.mark.parametrize(("summary", "expected"), [
    # A dateline, an agency tag, a stray dash or a "Summary" label is not part of the news.
    ("HANOI, Vietnam — The defense secretary accused China of intimidating its neighbours.",
     "The defense secretary accused China of intimidating its neighbours."),
    ("(Reuters) - The state attorney general is investigating the company.",
     "The state attorney general is investigating the company."),
    ("BERLIN -- The space agency says sleep could make long flights easier.",
     "The space agency says sleep could make long flights easier."),
    ("Summary Practicing mindfulness can help you recognize when you are full.",
     "Practicing mindfulness can help you recognize when you are full."),
    # A sentence a summarizer cut mid-way ends at a clause before the cut, or not at all.
    ("Business focus is why some people build the business they dream of while others "
     "think about it ...", "Business focus is why some people build the business they dream of."),
    ("Chelsea paid the fee to the league this morning to secure the world…", ""),
    # Page furniture is never a TL;DR line.
    ("Related: Possible water plumes on Europa in pictures.", ""),
    # An opening phrase goes when the sentence is too long with it.
    ("Following the larger laptop launched last month in several markets around the world, "
     "Apple plans to release a smaller model with a new keyboard in the first half of next "
     "year.",
     "Apple plans to release a smaller model with a new keyboard in the first half of next "
     "year."),
    # Chinese and Japanese count two characters as a word and are cut at their commas.
    ("先日、不正に改造したiPhoneを販売したとして、商標法違反の疑いで男性が逮捕されました。",
     "先日、不正に改造したiPhoneを販売したとして、商標法違反の疑いで男性が逮捕されました。"),
])
def test_lead_sentences_from_real_page_shapes(summary: str, expected: str) -> None:
    assert lead_sentence(BriefItem("A title", summary)) == expected


def test_a_long_sentence_without_a_clause_gives_no_bullet_rather_than_a_cut() -> None:
    pick = BriefItem("Long", " ".join(["word"] * 40) + ".")
    assert lead_sentence(pick) == ""


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Short and sweet sentence here.", "Short and sweet sentence here."),
    ("No final stop here at all", "No final stop here at all."),
    ("One two three four five six seven eight nine ten; eleven twelve thirteen fourteen "
     "fifteen sixteen seventeen eighteen nineteen twenty twentyone twentytwo twentythree "
     "twentyfour twentyfive.", "One two three four five six seven eight nine ten."),
    ("The model beats every open rival on coding tasks while using half the memory of "
     "last year's model and running on a single consumer graphics card at home.",
     "The model beats every open rival on coding tasks."),
    ("Retrieval-augmented generation fails in two places: the retriever can miss the passage "
     "that holds the answer, or the generator can ignore, misread or embellish the passage.",
     "Retrieval-augmented generation fails in two places."),
    ("Lead times for data-center GPUs have stretched to as long as nine months, according to "
     "three cloud providers and two hardware resellers, as demand for inference capacity "
     "grows faster than manufacturers can package chips.",
     "Lead times for data-center GPUs have stretched to as long as nine months, according to "
     "three cloud providers and two hardware resellers."),
    ("Former President Barack Obama, the most popular Democrat in America, has stayed out of "
     "the race so far and is expected to remain neutral until a nominee emerges next summer.",
     ""),
    ("Maitlis asked how Andrew could be so sure what he was doing on the night of March 10, "
     "during which he says he took his daughter to a party at a pizza restaurant in Woking.",
     "Maitlis asked how Andrew could be so sure what he was doing on the night of March 10."),
    ("The committee met on the night of the vote in the old hall by the river during which "
     "members argued for hours about the budget and then went home without any decision.",
     ""),
    ("A (very long parenthetical, which we must not cut inside, that runs on and on and on "
     "for many many words) ends here with more words after it to pass the limit.", ""),
])
def test_trim_to_clause(sentence: str, expected: str) -> None:
    assert trim_to_clause(sentence, 24) == expected


def test_sentences_split_but_not_at_abbreviations_or_initials() -> None:
    text = ("Dr. Smith met U.S. officials on Monday. J. R. Doe said no. "
            "Prices rose 3.5% in May! Was it worth it? Yes.")
    assert split_sentences(text) == [
        "Dr. Smith met U.S. officials on Monday.", "J. R. Doe said no.",
        "Prices rose 3.5% in May!", "Was it worth it?", "Yes."]


def test_bullets_are_safe_and_keep_emoji_whole() -> None:
    hostile = [BriefItem(f"Story {i} @everyone", f"Teachers @here run a tutorial <@&1> on "
                         f"topic {i} with https://evil.test links.") for i in range(3)]
    bullets = offline_brief(hostile)
    assert bullets and not any("@" in b or "<" in b or "http" in b for b in bullets)
    assert all(b.startswith("🧑\u200d🏫 ") for b in bullets), "the joiner stays"
    for render in (markdown_escape, discord_escape, slack_escape, console_clean):
        assert all(render(b).startswith("🧑\u200d🏫 ") for b in bullets), render


@pytest.mark.parametrize("emoji", ["🧑\u200d🏫", "👩🏽\u200d💻", "🇫🇷", "🏳️\u200d🌈",
                                   "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"])
def test_emoji_sequences_survive_sanitizing_and_cutting(emoji: str) -> None:
    assert plain(f"{emoji} ok", 100) == f"{emoji} ok"
    for limit in range(1, len(emoji) + 3):
        out = plain(emoji * 3, limit).rstrip("…")
        assert out == emoji * (len(out) // len(emoji)), f"split at {limit}: {out!r}"
    for escape in (discord_escape, slack_escape, markdown_escape, console_clean):
        for limit in (5, 17, 33):
            out = escape(emoji * 40, limit).rstrip("…")
            assert out == emoji * (len(out) // len(emoji)), f"{escape.__module__} at {limit}"


def test_invisible_joiners_outside_emoji_are_removed() -> None:
    assert plain("a\u200db \u200d🏫 🏴\U000e0041x", 100) == "ab 🏫 🏴x"


def test_emoji_by_topic() -> None:
    assert brief_emoji(BriefItem("x", "The court blocked the merger.")) == "⚖️"
    assert brief_emoji(BriefItem("x", "An actual act of kindness.")) == "⚖️"
    assert brief_emoji(BriefItem("x", "Actually, nothing happened here.")) == "📰"
    assert brief_emoji(BriefItem("x", "It costs less.", kind=SourceKind.PAPER)) == "📄"


def test_model_bullets_that_read_a_title_back_are_dropped() -> None:
    answer = ("🚀 Lab releases open model\n💸 GPU rental got a third cheaper this quarter\n"
              "⚖️ Regulators explained the new rules to firms\n"
              "🧑‍🏫 Teachers save hours drafting lessons with chatbots")
    bullets = bullets_from_answer(answer, PICKS)
    assert bullets is not None and len(bullets) == 3
    assert not any("Lab releases open model" in b for b in bullets)
    assert bullets[-1].startswith("🧑\u200d🏫 ")


def test_model_bullets_keep_flag_and_joiner_sequences() -> None:
    scotland = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    answer = (f"{scotland} Edinburgh hosts the next summit on model safety\n"
              "👩🏽\u200d💻 Developers adopt the new tooling across teams\n"
              "🇫🇷 Paris funds three research labs for open models\u200b\U000e0041")
    bullets = bullets_from_answer(answer, PICKS)
    assert bullets is not None
    assert [b.split(" ", 1)[0] for b in bullets] == [scotland, "👩🏽\u200d💻", "🇫🇷"]
    assert "\U000e0041" not in bullets[2] and "\u200b" not in bullets[2]
