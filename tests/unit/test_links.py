"""Finding links in plain text, and their canonical form (platform markup: tests/adapters)."""

from __future__ import annotations

import pytest

from bot.errors import InvalidLink, UserError
from bot.links import canonicalize, find_urls


@pytest.mark.parametrize(("text", "expected"), [
    ("read https://a.test/x now", ["https://a.test/x"]),
    ("see (https://a.test/x).", ["https://a.test/x"]),
    ("https://en.wikipedia.org/wiki/Foo_(bar), nice", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("wow https://a.test/x!!! and https://b.test/y?", ["https://a.test/x", "https://b.test/y"]),
    ("[see https://a.test/x]", ["https://a.test/x"]),
    ("{https://a.test/x}", ["https://a.test/x"]),
    ("end https://a.test/x… 「https://b.test/y」 https://c.test/z。",
     ["https://a.test/x", "https://b.test/y", "https://c.test/z"]),
    ("testhttp://a.test/x", []),
    ("user@https://a.test/x", []),
    ("ftp://a.test/x mailto:me@a.test javascript:alert(1) file:///etc/passwd", []),
    ("http:// nothing", []),
    ("dup https://a.test/x https://a.test/x", ["https://a.test/x"]),
    ("same page https://a.test/x?utm_source=chat https://A.test/x/", ["https://a.test/x?utm_source=chat"]),
    ("'https://a.test/x' \"https://b.test/y\"", ["https://a.test/x", "https://b.test/y"]),
    ("HTTPS://A.TEST/X", ["HTTPS://A.TEST/X"]),
    ("typed in a terminal <https://a.test/x> [l](https://b.test/y)",
     ["https://a.test/x", "https://b.test/y"]),
])
def test_find_urls(text: str, expected: list[str]) -> None:
    assert find_urls(text) == expected


def test_find_urls_caps_the_count_after_dedup() -> None:
    text = "https://a.test/0 " * 3 + " ".join(f"https://a.test/{i}" for i in range(10))
    assert find_urls(text, limit=5) == [f"https://a.test/{i}" for i in range(5)]
    assert find_urls(text, limit=1) == ["https://a.test/0"]


@pytest.mark.parametrize(("url", "canonical"), [
    # scheme, host, port, userinfo, fragment
    ("HTTPS://Example.COM/A", "https://example.com/A"),
    ("HTTP://EXAMPLE.com.:80/", "http://example.com/"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("https://user:pw@example.com/a", "https://example.com/a"),
    ("https://example.com/a#section", "https://example.com/a"),
    ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    # IDN hosts
    ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
    ("https://BÜCHER.example/", "https://xn--bcher-kva.example/"),
    # path: trailing slash, dot segments, duplicate slashes, escapes
    ("https://example.com/a/", "https://example.com/a"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/a//b/./c/../d/", "https://example.com/a/b/d"),
    ("https://example.com/%7Euser/a%2fb", "https://example.com/~user/a%2Fb"),
    # tracking parameters removed, the rest sorted
    ("https://example.com/a?utm_source=x&utm_medium=y&b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://example.com/a?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ref_src=5&igshid=6",
     "https://example.com/a"),
    ("https://example.com/a?dclid=1&msclkid=2&yclid=3&spm=4&_hsenc=5&si=6&pk_campaign=7",
     "https://example.com/a"),
    ("https://example.com/a?q=x%20y&page=2", "https://example.com/a?page=2&q=x%20y"),
    ("https://example.com/a?b=%2F", "https://example.com/a?b=%2F"),
    # per-site rules
    ("https://www.youtube.com/watch?v=abc&feature=share&list=PL1&pp=x",
     "https://www.youtube.com/watch?list=PL1&v=abc"),
    ("https://www.youtube.com/watch?v=abc&t=42s", "https://www.youtube.com/watch?t=42s&v=abc"),
    ("https://youtu.be/abc?si=track&t=42", "https://www.youtube.com/watch?t=42&v=abc"),
    ("https://youtube.com/watch?v=abc", "https://www.youtube.com/watch?v=abc"),
    ("https://m.youtube.com/watch?v=abc", "https://www.youtube.com/watch?v=abc"),
    ("https://www.youtube.com/shorts/abc", "https://www.youtube.com/watch?v=abc"),
    ("https://www.youtube.com/embed/abc", "https://www.youtube.com/watch?v=abc"),
    ("https://www.youtube-nocookie.com/embed/abc", "https://www.youtube.com/watch?v=abc"),
    ("https://news.ycombinator.com/item?id=1&utm_source=x", "https://news.ycombinator.com/item?id=1"),
    ("https://x.com/u/status/1?s=20&t=abc", "https://x.com/u/status/1"),
    ("https://open.spotify.com/track/1?si=abc", "https://open.spotify.com/track/1"),
    # mobile hosts
    ("https://m.example.com/news/story", "https://example.com/news/story"),
    ("https://mobile.twitter.com/u/status/1", "https://twitter.com/u/status/1"),
    ("https://en.m.wikipedia.org/wiki/Foo", "https://en.wikipedia.org/wiki/Foo"),
    ("https://m.test/", "https://m.test/"),  # a two-label host is the site itself
    # AMP
    ("https://example.com/news/story/amp", "https://example.com/news/story"),
    ("https://example.com/news/story/amp/", "https://example.com/news/story"),
    ("https://example.com/news/story?amp=1", "https://example.com/news/story"),
    ("https://example.com/news/story?amp", "https://example.com/news/story"),
    ("https://example.com/news/story?outputType=amp", "https://example.com/news/story"),
    ("https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
    ("https://amp.example.com/news/story", "https://example.com/news/story"),
    ("https://example-com.cdn.ampproject.org/c/s/example.com/news/story",
     "https://example.com/news/story"),
    ("https://example-com.cdn.ampproject.org/v/s/example.com/news/story?amp_js_v=0.1",
     "https://example.com/news/story"),
    ("https://www.google.com/amp/s/example.com/news/story", "https://example.com/news/story"),
    # arXiv
    ("https://arxiv.org/pdf/2401.01234v2.pdf", "https://arxiv.org/abs/2401.01234"),
    ("https://arxiv.org/pdf/2401.01234", "https://arxiv.org/abs/2401.01234"),
    ("https://arxiv.org/abs/2401.01234v3", "https://arxiv.org/abs/2401.01234"),
    ("https://arxiv.org/html/2401.01234v1", "https://arxiv.org/abs/2401.01234"),
    ("http://export.arxiv.org/abs/2401.01234", "https://arxiv.org/abs/2401.01234"),
    ("https://www.arxiv.org/abs/2401.01234", "https://arxiv.org/abs/2401.01234"),
    ("https://arxiv.org/abs/hep-th/9901001v1", "https://arxiv.org/abs/hep-th/9901001"),
])
def test_canonical_form(url: str, canonical: str) -> None:
    assert canonicalize(url) == canonical
    assert canonicalize(canonical) == canonical, "canonical form is a fixed point"


def test_different_pages_stay_different() -> None:
    pairs = [("https://example.com/a?id=1", "https://example.com/a?id=2"),
             ("https://example.com/a%2Fb", "https://example.com/a/b"),
             ("http://example.com/a", "http://example.com:8080/a"),
             ("https://www.youtube.com/watch?v=a", "https://www.youtube.com/watch?v=b")]
    for one, other in pairs:
        assert canonicalize(one) != canonicalize(other)


@pytest.mark.parametrize("url", ["ftp://a.test/", "javascript:alert(1)", "http://", "http://-/",
                                 "http://[::1", "https://exa mple.com/", "not a url",
                                 "http://a.test:99999/", "http://a\x00.test/", "data:text/html,x",
                                 "http://a_b..test/"])
def test_invalid_links_are_refused_with_a_reason(url: str) -> None:
    with pytest.raises(InvalidLink) as err:
        canonicalize(url)
    assert isinstance(err.value, UserError), "the message is meant for the member"
    assert str(err.value).endswith(".")
