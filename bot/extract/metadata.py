"""Page metadata from the publisher's own declarations: JSON-LD, OpenGraph, meta tags, markup.

The publisher's structured data beats heuristics, so each field is read from the most explicit
source first and falls back to looser ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from bot.extract.language import normalize

ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "scholarlyarticle",
    "techarticle", "report", "liveblogposting", "socialmediaposting", "webpage", "posting",
    "medicalscholarlyarticle", "review",
})
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_IN_URL = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$)")
_LANG = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$")
_BY = re.compile(r"^\s*(?:by|von|par|por|di|door|av)\s+", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|\band\b|&|\bund\b|\bet\b|\be\b|\by\b)\s*")


@dataclass(slots=True)
class Metadata:
    title: str = ""
    authors: tuple[str, ...] = ()
    site_name: str = ""
    published: str = ""
    language: str = ""
    description: str = ""
    image: str = ""
    canonical_url: str = ""
    not_free: bool = False  # JSON-LD isAccessibleForFree: false


def one_line(text: object) -> str:
    return " ".join(str(text or "").split())


_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")


def without_site(title: str, site: str) -> str:
    """"Story | Site" -> "Story": a <title> often carries the site's name, which the
    by-line already shows. Only the known site name is cut, never a part of the story."""
    if not site:
        return title
    for separator in _SEPARATORS:
        suffix, prefix = f"{separator}{site}", f"{site}{separator}"
        if title.lower().endswith(suffix.lower()) and len(title) > len(suffix):
            return title[: -len(suffix)].strip()
        if title.lower().startswith(prefix.lower()) and len(title) > len(prefix):
            return title[len(prefix):].strip()
    return title


def read_metadata(tree: Any, url: str) -> Metadata:
    meta = _meta_tags(tree)
    ld = list(_json_ld_objects(tree))
    articles = [o for o in ld if _types(o) & ARTICLE_TYPES]
    # the object with the longest articleBody is the page's own story, not a teaser
    main = max(articles, key=lambda o: len(str(o.get("articleBody") or "")), default={})
    md = Metadata()
    md.title = one_line(
        meta.get("og:title") or meta.get("twitter:title") or _ld_text(main.get("headline"))
        or _first_text(tree, "//title")
    )
    md.site_name = one_line(
        meta.get("og:site_name") or _ld_name(main.get("publisher"))
        or meta.get("application-name") or ""
    )
    md.title = without_site(md.title, md.site_name)
    md.authors = _authors(tree, meta, main)
    md.published = date_of(
        _ld_text(main.get("datePublished")) or meta.get("article:published_time")
        or meta.get("datepublished") or meta.get("date") or meta.get("pubdate")
        or meta.get("publish-date") or meta.get("dc.date") or meta.get("dc.date.issued")
        or meta.get("sailthru.date") or meta.get("parsely-pub-date")
        or _first_attr(tree, "//time[@datetime][1]/@datetime")
        or _ld_text(main.get("dateCreated")) or meta.get("og:updated_time")
        or _ld_text(main.get("dateModified")) or meta.get("article:modified_time")
    ) or _url_date(url)
    md.language = _language(tree, meta, main)
    md.description = one_line(
        meta.get("og:description") or meta.get("description")
        or meta.get("twitter:description") or _ld_text(main.get("description"))
    )
    image = meta.get("og:image") or meta.get("og:image:url") or meta.get("twitter:image") or ""
    if not image:
        image = _ld_image(main.get("image"))
    md.image = _absolute(url, image)
    md.canonical_url = _absolute(
        url, _first_attr(tree, "//link[@rel='canonical']/@href") or meta.get("og:url") or ""
    )
    md.not_free = any(
        str(o.get("isAccessibleForFree", "")).strip().lower() == "false" for o in ld
    )
    return md


def _meta_tags(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop")
               or el.get("http-equiv") or "")
        value = el.get("content")
        key = key.strip().lower()
        if key and value and value.strip() and key not in found:
            found[key] = value.strip()
    return found


def _json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        yield from _walk(data, 0)


def _walk(data: object, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _walk(graph, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _walk(main, depth + 1)


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    items = raw if isinstance(raw, list) else [raw]
    return {str(t).lower() for t in items if t}


def _ld_text(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or ""
    return value if isinstance(value, str) else ""


def _ld_name(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        return str(value.get("name") or "")
    return value if isinstance(value, str) else ""


def _ld_image(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl") or ""
    return value if isinstance(value, str) else ""


def _authors(tree: Any, meta: dict[str, str], main: dict[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    raw = main.get("author") or main.get("creator")
    for item in raw if isinstance(raw, list) else [raw]:
        name = _ld_name(item)
        if name:
            names.append(name)
    if not names:
        for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator"):
            value = meta.get(key, "")
            if value and not value.startswith(("http://", "https://")):
                names.append(value)
                break
    if not names:
        names = [str(t) for t in tree.xpath(
            "(//*[@rel='author'] | //*[@itemprop='author'])[position() <= 3]//text()"
        ) if str(t).strip()][:1]
    out: list[str] = []
    for name in names:
        for part in _AUTHOR_SPLIT.split(_BY.sub("", one_line(name))):
            part = part.strip(" ,.|")
            if part and len(part) <= 80 and not part.startswith(("http://", "https://")):
                out.append(part)
    return tuple(dict.fromkeys(out))[:8]


def date_of(raw: str | None) -> str:
    """The YYYY-MM-DD date at the start of ``raw``, or "" for none or an implausible one."""
    match = _DATE.search(raw or "")
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def _url_date(url: str) -> str:
    match = _DATE_IN_URL.search(url)
    return date_of("-".join(match.groups())) if match else ""


def _language(tree: Any, meta: dict[str, str], main: dict[str, Any]) -> str:
    for raw in (
        _first_attr(tree, "/html/@lang") or _first_attr(tree, "/html/@xml:lang"),
        meta.get("content-language", ""), meta.get("og:locale", ""),
        meta.get("language", ""), _ld_text(main.get("inLanguage")),
    ):
        # "Content-Language: da, en" lists every language of the site; the first is the page's
        raw = (raw or "").split(",")[0].strip()
        if raw and _LANG.match(raw) and (code := normalize(raw)):
            return code
    return ""


def _first_text(tree: Any, xpath: str) -> str:
    for el in tree.xpath(xpath):
        text = el.text_content()
        if text and text.strip():
            return str(text)
    return ""


def _first_attr(tree: Any, xpath: str) -> str:
    for value in tree.xpath(xpath):
        if str(value).strip():
            return str(value).strip()
    return ""


def _absolute(base: str, link: str) -> str:
    link = link.strip()
    if not link:
        return ""
    try:
        joined = urljoin(base, link)
    except ValueError:
        return ""
    return joined if joined.startswith(("http://", "https://")) else ""
