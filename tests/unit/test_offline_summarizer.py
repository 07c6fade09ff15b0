from __future__ import annotations

import pytest

from bot.models import Article, PageFlag, SummaryPrefs, SummarySource
from bot.summarize.offline import OfflineSummarizer, summarize_text
from bot.summarize.sentences import count_words, split_sentences

NEWS = (
    "The city council approved a new budget for public transport on Monday. "
    "The plan adds forty electric buses and extends night service on six routes. "
    "Opposition members said the plan was too expensive. "
    "He added that the vote was rushed. "
    "Construction of new depots will begin in the spring and finish next year."
)


def words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize("budget", [12, 27, 55, 200])
def test_never_exceeds_the_budget_when_a_sentence_fits(budget: int) -> None:
    assert 0 < words(summarize_text(NEWS * 3, budget)) <= budget


def test_leads_with_the_central_sentence_and_keeps_order() -> None:
    summary = summarize_text(NEWS, 30)
    assert summary.startswith("The city council approved a new budget")
    assert "He added" not in summary


def test_one_sentence_and_no_punctuation() -> None:
    assert summarize_text("Just one sentence here.", 27) == "Just one sentence here."
    # An unpunctuated run of 100 words is one "sentence" far over any budget: no summary
    # rather than a cut one.
    assert summarize_text(" ".join(["word"] * 100), 20) == ""
    assert summarize_text(" ".join(["word"] * 25) + "\nA short line of text", 20) == (
        "A short line of text")


def test_a_very_long_sentence_is_never_cut() -> None:
    long_sentence = "Researchers " + ", ".join(f"measured item {i}" for i in range(80)) + "."
    assert summarize_text(long_sentence, 25) == ""
    assert "…" not in summarize_text(long_sentence + " " + NEWS, 25)


def test_lists_and_code_blocks_do_not_break_it() -> None:
    text = (
        "Install the package and run it.\n- first item\n- second item\n"
        "```\nfor i in range(10):\n    print(i)\n```\n"
        "The tool then prints a report about every file it checked."
    )
    summary = summarize_text(text, 27)
    assert 0 < words(summary) <= 27


def test_paper_abstract_prefers_the_contribution() -> None:
    abstract = (
        "Graph neural networks are widely used for molecules. "
        "However, they scale poorly to large graphs with millions of nodes. "
        "To address this, we propose SparseGNN, a sampling method that trains on subgraphs. "
        "Experiments on five benchmarks show a tenfold speed-up."
    )
    summary = summarize_text(abstract, 20)
    assert "We propose SparseGNN, a sampling method that trains on subgraphs." in summary
    assert "To address this" not in summary


@pytest.mark.parametrize("text", [
    "Die Bundesregierung hat am Montag ein neues Gesetz beschlossen. Es soll den Ausbau "
    "erneuerbarer Energien beschleunigen. Kritiker sprechen von einem Kompromiss.",
    "人工智能正在改变世界。许多公司正在投资新的模型。专家认为这一趋势将持续。",
    "東京で新しいAI研究所が開設されました。研究者は百人を超えます。",
])
def test_non_english_text_comes_out_as_its_own_sentences(text: str) -> None:
    summary = summarize_text(text, 27)
    assert (summary and summary in text.replace("\n", " ")) or summary.rstrip("…") in text


def test_empty_text() -> None:
    assert summarize_text("", 27) == ""
    assert summarize_text("   \n ", 27) == ""
    assert summarize_text("Anything.", 0) == ""


def test_sentence_splitting() -> None:
    text = "Dr. Smith arrived at 3.5 p.m. on Monday. It rained.The end! Was it? Yes"
    assert split_sentences(text) == [
        "Dr. Smith arrived at 3.5 p.m. on Monday.", "It rained.", "The end!", "Was it?", "Yes"]


async def test_flagged_articles_are_not_summarized() -> None:
    summarizer = OfflineSummarizer()
    stub = Article(url="u", title="t", text="Subscribe to read.", flag=PageFlag.PAYWALL)
    assert (await summarizer.summarize(stub, SummaryPrefs())).source is SummarySource.NONE
    real = Article(url="u", title="t", text=NEWS)
    summary = await summarizer.summarize(real, SummaryPrefs(max_words=20))
    assert summary.source is SummarySource.OFFLINE and words(summary.text) <= 20


@pytest.mark.parametrize("budget", [14, 27, 55])
def test_chinese_without_spaces_respects_the_budget(budget: int) -> None:
    sentence = "人工智能正在改变世界，许多公司正在投资新的模型和数据中心。"
    assert count_words(sentence) == 14, "two characters count as a word"
    summary = summarize_text(sentence * 30, budget)
    assert summary and count_words(summary) <= budget
    assert summary == sentence * (count_words(summary) // 14), "whole sentences, no spaces"


@pytest.mark.parametrize("budget", [3, 8])
def test_chinese_sentence_longer_than_the_budget_is_not_cut(budget: int) -> None:
    sentence = "人工智能正在改变世界，许多公司正在投资新的模型和数据中心。"
    summary = summarize_text(sentence * 30, budget)
    assert summary in ("", sentence)
    assert count_words(summary) <= budget * 1.5


def test_german_news_keeps_its_umlauts_and_order() -> None:
    text = ("Die Stadt München hat am Montag einen neuen Haushalt für den Nahverkehr "
            "beschlossen. Der Plan sieht vierzig Elektrobusse vor. Kritiker halten ihn für "
            "zu teuer. Der Bau neuer Depots beginnt im Frühjahr.")
    summary = summarize_text(text, 27)
    assert summary.startswith("Die Stadt München hat am Montag")
    assert len(summary.split()) <= 27


def test_share_widgets_glued_to_the_first_sentence_are_dropped() -> None:
    text = ("Share this withEmailFacebookTwitterCopy this linkThe council approved a new "
            "budget for buses on Monday. It adds forty electric buses to six routes.")
    assert summarize_text(text, 27).startswith("The council approved a new budget")


async def test_page_text_cannot_ping_or_link_through_the_offline_summary() -> None:
    text = ("Ping @everyone and <!channel> now, read https://evil.test/x for the details. "
            "The council approved a new budget for buses on Monday.")
    summary = await OfflineSummarizer().summarize(Article(url="u", title="t", text=text),
                                                  SummaryPrefs(max_words=40))
    assert summary.source is SummarySource.OFFLINE
    assert not any(bad in summary.text for bad in ("@", "<", "http", "evil"))
