"""The archive's per-community settings: `archive` and `slug`, checked like every setting."""

from __future__ import annotations

import pytest

from bot.community import Community, CommunitySettings, default_slug
from bot.errors import InvalidSetting


@pytest.mark.parametrize(("key", "slug"), [
    ("local", "local"), ("T0123ABC", "t0123abc"), ("123456789012345678", "123456789012345678"),
    ("My Club!", "my-club"), ("x" * 60, "x" * 40), ("a" * 39 + "-b", "a" * 39),
])
def test_the_default_slug_comes_from_the_key(key: str, slug: str) -> None:
    assert default_slug(key) == slug
    assert Community(key, "console", "Any name").slug == slug


def test_a_key_with_no_letter_or_digit_still_gets_a_valid_slug() -> None:
    slug = default_slug("🙂🙂")
    assert slug.startswith("c-") and CommunitySettings().updated("slug", slug).slug == slug
    assert default_slug("🙂🙂") != default_slug("🙃")


@pytest.mark.parametrize("value", ["-club", "club-", "c lub", "clüb", "c_lub", "../x", "a" * 41,
                                   "c/lub", "%2e"])
def test_a_bad_slug_is_refused(value: str) -> None:
    with pytest.raises(InvalidSetting, match="slug not changed"):
        CommunitySettings().updated("slug", value)


def test_slug_and_archive_read_back() -> None:
    settings = CommunitySettings().updated("slug", " AI-Club ").updated("archive", "PUBLIC")
    assert (settings.slug, settings.archive) == ("ai-club", "public")
    assert CommunitySettings.from_json(settings.to_json()) == settings
    assert Community("k", "console", "", settings).public
    assert not Community("k", "console", "").public
    assert "archive = public" in settings.lines() and "slug = ai-club" in settings.lines()
    assert CommunitySettings.from_json('{"archive": "everyone", "slug": "../x"}') == (
        CommunitySettings())
