"""The rules an offline summary keeps so that it reads like an editor chose it: whole sentences
of the article, in its order, word for word but for two edits, fitted to the budget."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.summarize.edits import drop_asides, drop_lead_in, edit, refers_back
from bot.summarize.offline import _Fit, _overlap, _units, central_sentence, summarize_text
from bot.summarize.sentences import split_sentences

HARBOR = (
    "The harbor authority opened a second container terminal on the east pier this week. "
    "The terminal can handle twelve large ships at once and doubles the port's capacity. "
    "Dock workers said the new cranes are quieter than the old ones. "
    "It cost more than the original estimate, and the extra money came from a regional fund. "
    "Local fishermen worry that the larger container ships will crowd the harbor channel. "
    "The authority plans to dredge the channel next spring to make room for both."
)
ABSTRACT = (
    "Recurrent models struggle with very long sequences. "
    "In this paper, we propose a state-space layer (SSL) whose hidden state follows "
    "h = ϕ(Ah_t+Bu_t) with a learned diagonal matrix A. "
    "However, training such layers is unstable without careful initialization. "
    "Our layer matches transformer accuracy on five long-range benchmarks."
)


def sentences_of(summary: str) -> list[str]:
    return split_sentences(summary)


def quoted_forms(text: str) -> list[str]:
    """Every sentence of ``text`` as a summary may quote it: as is, or with the allowed edits."""
    forms = []
    for s in split_sentences(text):
        forms += [s, edit(s), drop_asides(s), drop_lead_in(s)]
    return forms


@pytest.mark.parametrize("text", [HARBOR, ABSTRACT, HARBOR + " " + ABSTRACT])
@pytest.mark.parametrize("budget", [10, 20, 27, 40, 55, 120])
def test_whole_sentences_verbatim_in_the_article_order(text: str, budget: int) -> None:
    summary = summarize_text(text, budget)
    if not summary:
        return
    forms = quoted_forms(text)
    picked = sentences_of(summary)
    assert 1 <= len(picked) <= 3
    assert all(s in forms for s in picked), "a sentence was changed beyond the two edits"
    positions = [next(i for i, s in enumerate(split_sentences(text)) if p in
                      (s, edit(s), drop_asides(s), drop_lead_in(s))) for p in picked]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert summary.endswith((".", "!", "?")) and "…" not in summary, "cut mid-sentence"


def test_the_two_allowed_edits_and_nothing_else() -> None:
    assert drop_lead_in("In this paper, we propose a layer.") == "We propose a layer."
    assert drop_lead_in("However, the layer is unstable.") == "The layer is unstable."
    assert drop_lead_in("To address this, we add a gate.") == "We add a gate."
    # A clause that carries a condition or a fact is part of the claim.
    for keep in ("If the gate fails, the model diverges.", "On Monday, the council voted.",
                 "In this article we argue that gates help.", "However, iPhone sales fell."):
        assert drop_lead_in(keep) == keep
    assert drop_asides("The state-space layer (SSL) is fast.") == "The state-space layer is fast."
    # A formula's brackets are not an aside, and nothing else in the sentence moves.
    formula = "The state follows h = ϕ(Ah_t+Bu_t) at every step."
    assert edit(formula) == formula
    assert drop_asides("A value (x (y) z) stays.") == "A value (x (y) z) stays."


def test_the_contribution_is_quoted_with_its_lead_in_dropped_and_formula_intact() -> None:
    summary = summarize_text(ABSTRACT, 30)
    assert "We propose a state-space layer whose hidden state follows h = ϕ(Ah_t+Bu_t)" in summary
    assert "In this paper" not in summary and "(SSL)" not in summary


def test_sentences_are_chosen_to_fit_never_cut() -> None:
    for budget in (14, 16, 20, 30, 45):
        summary = summarize_text(HARBOR, budget)
        assert summary and len(summary.split()) <= budget
        assert all(s in split_sentences(HARBOR) for s in sentences_of(summary))


def test_a_single_sentence_may_run_over_by_half_only_when_none_fits() -> None:
    long_ones = (
        "The harbor authority opened a second container terminal on the east pier of the "
        "old port this week after three years of construction work. "
        "Local fishermen worry that the much larger container ships will crowd the narrow "
        "harbor channel that their boats use every morning."
    )
    sizes = [len(s.split()) for s in split_sentences(long_ones)]
    assert min(sizes) > 20
    summary = summarize_text(long_ones, 20)
    assert summary in split_sentences(long_ones)
    assert 20 < len(summary.split()) <= 30
    assert summarize_text(long_ones, 12) == "", "no sentence within 1.5 x 12 words"
    # With one sentence that fits, the oversized ones are not used.
    fitting = long_ones + " The new terminal doubles the port's capacity."
    assert summarize_text(fitting, 20) == "The new terminal doubles the port's capacity."


def test_does_not_open_with_a_sentence_that_refers_back() -> None:
    text = (
        "The museum reopened its east wing on Saturday after a long renovation. "
        "It now holds the largest collection of medieval maps and globes in the country, "
        "with maps and globes from twelve countries. "
        "Maps and globes of the medieval period fill four new rooms of maps and globes."
    )
    for budget in (12, 18, 24, 30, 55):
        summary = summarize_text(text, budget)
        assert not summary.startswith("It "), summary
    # The article's own first sentence may open with such a word: nothing precedes it.
    first = "It was the coldest night of the year in the valley. Farmers lit fires in orchards."
    assert summarize_text(first, 12).startswith("It was the coldest night")
    assert refers_back("However the plan failed.") and refers_back("They left.")
    assert not refers_back("Theory predicts it.")


def test_a_lead_in_connective_is_dropped_rather_than_left_dangling() -> None:
    text = ("Researchers measured river temperatures at forty stations across the whole basin "
            "every week for three years, from the mountain springs down to the delta. "
            "However, the warmest readings came from shallow tributaries near the farms.")
    summary = summarize_text(text, 13)
    assert summary == "The warmest readings came from shallow tributaries near the farms."


@pytest.mark.parametrize(("text", "expected"), [
    ("Prof. Lee measured 3.5 kg at 2 p.m. on Monday. The result held.",
     ["Prof. Lee measured 3.5 kg at 2 p.m. on Monday.", "The result held."]),
    ('She said: "We will win." Then the match began.',
     ['She said: "We will win."', "Then the match began."]),
    ("The update rule is h = ϕ(Ah_t+Bu_t) for all t. It converges, e.g. in Sec. 4 here.",
     ["The update rule is h = ϕ(Ah_t+Bu_t) for all t.", "It converges, e.g. in Sec. 4 here."]),
    ("We learn a matrix A. George W. Bush met J. K. Rowling.",
     ["We learn a matrix A.", "George W. Bush met J. K. Rowling."]),
    ("他说：“我们会赢。”然后他走了。", ["他说：“我们会赢。”", "然后他走了。"]),
])
def test_sentence_splitting_holds_up(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_central_sentence_is_a_whole_quotable_sentence() -> None:
    central = central_sentence(ABSTRACT)
    assert central.startswith("We propose a state-space layer")
    assert central in quoted_forms(ABSTRACT)
    assert central_sentence("") == ""


def test_a_quote_is_not_the_summary_of_a_report_but_a_blog_keeps_its_voice() -> None:
    report = (
        "The regional transit agency will replace every diesel bus on its northern routes "
        "with battery models by the end of next year, its director said on Tuesday. "
        "I think riders will love it. "
        "The agency expects fuel savings of about four million a year once the fleet runs. "
        "Drivers will be trained on the new buses over the winter months at the depot."
    )
    for budget in (10, 20):
        summary = summarize_text(report, budget)
        assert summary and "I think" not in summary
    blog = (
        "I rewrote my static site generator in Rust over the holidays. "
        "I wanted faster builds for my notes. "
        "My old Python version took a minute to build four thousand pages. "
        "I now build the same pages in three seconds on my laptop. "
        "The theme stays the same."
    )
    summary = summarize_text(blog, 14)
    assert summary in split_sentences(blog) and summary != "The theme stays the same."


def test_a_sentence_the_page_repeats_is_quoted_once() -> None:
    # Pages repeat a sentence (a pull quote, a caption, a notice): the summary says it once,
    # even when saying it again would fit the budget.
    lead = "The city opened a new public library in the old railway station on Friday."
    assert summarize_text(" ".join([lead] * 8), 30) == lead
    text = (f"{lead} The library lends books, tools and musical instruments to every resident. "
            f"{lead} Volunteers will run reading hours for children every weekend. {lead}")
    for budget in (30, 55):
        summary = summarize_text(text, budget)
        assert summary.count(lead) == 1, summary
        assert all(s in split_sentences(text) for s in sentences_of(summary))


def test_prefers_the_sentence_that_uses_the_words_of_the_article() -> None:
    # Two sentences of the same length fit; the one about what the article keeps returning to
    # (the bridge, its repair) is the summary, not the aside about the weather.
    text = (
        "Engineers closed the old river bridge on Monday to repair its rusted steel cables. "
        "The weather was cold and grey with light rain over the hills all morning. "
        "The bridge carries twenty thousand cars a day across the river to the city. "
        "The repair of the bridge cables will take six months and cost four million. "
        "Drivers must use the ferry or the new bridge downstream during the repair."
    )
    summary = summarize_text(text, 16)
    assert "weather" not in summary and "bridge" in summary


def test_the_fit_term_counts_a_word_only_as_often_as_a_summary_would_say_it() -> None:
    text = ("The river flooded the town and the river farms. "
            "Farmers moved their cattle to higher ground. "
            "The river is expected to fall by Friday, the town said.")
    units = _units(text)
    usage = Counter(w for u in units for w in u.bag)
    fit = _Fit(usage, sum(usage.values()), 10.0)
    river, cattle, _ = units
    # The sentence in the article's own recurring words matches a summary better...
    assert _overlap((river,), fit) > _overlap((cattle,), fit)
    # ...but saying it twice earns nothing: the extra words match nothing more.
    assert _overlap((river, river), fit) < _overlap((river,), fit)
