"""Finding links in every adapter's markup, and their canonical form."""

from __future__ import annotations

import pytest

from bot.errors import InvalidLink
from bot.links import canonicalize, find_urls


@pytest.mark.parametrize(("text", "expected"), [
    ("read https://a.test/x now", ["https://a.test/x"]),
    ("<https://a.test/x>", ["https://a.test/x"]),  # Discord, embed suppressed
    ("[label](https://a.test/x)", ["https://a.test/x"]),  # Discord markdown
    ("<https://a.test/x|a label>", ["https://a.test/x"]),  # Slack
    ("see (https://a.test/x).", ["https://a.test/x"]),
    ("https://en.wikipedia.org/wiki/Foo_(bar), nice", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("wow https://a.test/x!!! and https://b.test/y?", ["https://a.test/x", "https://b.test/y"]),
    ("testhttp://a.test/x", []),
    ("ftp://a.test/x mailto:me@a.test javascript:alert(1)", []),
    ("dup https://a.test/x https://a.test/x", ["https://a.test/x"]),
    ("'https://a.test/x' \"https://b.test/y\"", ["https://a.test/x", "https://b.test/y"]),
])
def test_find_urls(text: str, expected: list[str]) -> None:
    assert find_urls(text) == expected


def test_find_urls_caps_the_count() -> None:
    text = " ".join(f"https://a.test/{i}" for i in range(10))
    assert len(find_urls(text, limit=5)) == 5
    assert find_urls(text, limit=5)[0] == "https://a.test/0"


@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTPS://Example.COM/A", "https://example.com/A"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("https://user:pw@example.com/a", "https://example.com/a"),
    ("https://example.com/a#section", "https://example.com/a"),
    ("https://example.com/a/", "https://example.com/a"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/a?utm_source=x&utm_medium=y&b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://example.com/a?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ref_src=5&igshid=6",
     "https://example.com/a"),
    ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
    ("https://www.youtube.com/watch?v=abc&feature=share&list=PL1",
     "https://www.youtube.com/watch?list=PL1&v=abc"),
    ("https://youtu.be/abc?si=track&t=42", "https://www.youtube.com/watch?t=42&v=abc"),
    ("https://m.youtube.com/watch?v=abc", "https://www.youtube.com/watch?v=abc"),
    ("https://www.youtube.com/shorts/abc", "https://www.youtube.com/watch?v=abc"),
    ("https://m.example.com/news/story", "https://example.com/news/story"),
    ("https://example.com/news/story/amp", "https://example.com/news/story"),
    ("https://example.com/news/story?amp=1", "https://example.com/news/story"),
    ("https://amp.example.com/news/story", "https://example.com/news/story"),
    ("https://example-com.cdn.ampproject.org/c/s/example.com/news/story",
     "https://example.com/news/story"),
    ("https://arxiv.org/pdf/2401.01234v2.pdf", "https://arxiv.org/abs/2401.01234"),
    ("https://arxiv.org/abs/2401.01234v3", "https://arxiv.org/abs/2401.01234"),
    ("http://export.arxiv.org/abs/2401.01234", "https://arxiv.org/abs/2401.01234"),
    ("https://x.com/u/status/1?s=20&t=abc", "https://x.com/u/status/1"),
])
def test_canonical_form(url: str, canonical: str) -> None:
    assert canonicalize(url) == canonical
    assert canonicalize(canonical) == canonical, "canonical form is a fixed point"


@pytest.mark.parametrize("url", ["ftp://a.test/", "javascript:alert(1)", "http://", "http://-/",
                                 "http://[::1", "https://exa mple.com/", "not a url"])
def test_invalid_links_are_refused_with_a_reason(url: str) -> None:
    with pytest.raises(InvalidLink) as err:
        canonicalize(url)
    assert str(err.value).endswith(".")
