"""Finding links in plain text and putting them in canonical form.

Platform markup (Slack's <url|label>, Discord's <url> and [label](url)) is the adapters'
to undo: they hand the core plain text, where every link is a bare URL.

The canonical form is what dedup compares: two links to the same page must come out equal,
and two different pages must not. The rules are documented in docs/canonical-urls.md.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from bot.errors import InvalidLink

# A link must start a word: "testhttp://x" is not a link.
_BARE = re.compile(r"(?<![\w@/:.+-])https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*_~…。、，！？”’»›」』】〕》〉"
_PAIRS = {")": "(", "]": "[", "}": "{"}

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "li_fat_id", "mc_cid", "mc_eid", "igshid", "igsh", "ref_src", "ref_url", "_hsenc", "_hsmi",
    "mkt_tok", "vero_id", "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "spm", "scid",
    "__s", "_ga", "_gl", "cmpid", "smid", "wt_mc", "ncid", "sr_share", "trk", "trkcampaign",
    "si", "_branch_match_id", "guccounter", "guce_referrer", "guce_referrer_sig", "irclickid",
    "epik", "wickedid", "ocid", "__twitter_impression", "amp_js_v", "amp_gsa", "amp_r", "usqp",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "ga_")

# Per-site rules, keyed by host without "www.". KEEP_ONLY lists the parameters that identify
# content (everything else is dropped there); DROP_EXTRA lists noise on that site only.
KEEP_ONLY: dict[str, frozenset[str]] = {
    "youtube.com": frozenset({"v", "list", "t", "index"}),
    "news.ycombinator.com": frozenset({"id"}),
}
DROP_EXTRA: dict[str, frozenset[str]] = {
    "twitter.com": frozenset({"s", "t"}),
    "x.com": frozenset({"s", "t"}),
    "youtu.be": frozenset({"feature"}),
    "linkedin.com": frozenset({"trackingid", "lipi", "rcm"}),
    "medium.com": frozenset({"source", "sk"}),
    "reddit.com": frozenset({"share_id", "context", "rdt"}),
}
MOBILE_PREFIXES = ("m.", "mobile.", "amp.")
# Wikimedia puts the mobile label second: en.m.wikipedia.org.
_WIKI_MOBILE = re.compile(
    r"^([a-z0-9-]+)\.m\.(wikipedia|wiktionary|wikibooks|wikinews|wikiquote|wikisource|"
    r"wikiversity|wikivoyage|wikimedia|wikidata)\.org$")
HTTPS_ONLY = frozenset({"arxiv.org", "www.youtube.com", "github.com"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST = re.compile(rf"^(?:{_LABEL}\.)*{_LABEL}$")
_ARXIV = re.compile(r"^/(?:abs|pdf|html)/(?P<id>[\w.\-/]+?)(?:v\d+)?(?:\.pdf)?/?$")
_YOUTUBE_PATH = re.compile(r"^/(?:shorts|embed|live|v)/([\w-]+)")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def find_urls(text: str, limit: int = 5) -> list[str]:
    """The http(s) links in plain text, in order, at most ``limit``. Links with the same
    canonical form count once (the first spelling is kept)."""
    urls: list[str] = []
    seen: set[str] = set()
    for match in _BARE.finditer(text):
        url = _trim(match.group(0))
        key = _dedup_key(url)
        if key is None or key in seen:
            continue
        seen.add(key)
        urls.append(url)
        if len(urls) >= limit:
            break
    return urls


def _dedup_key(url: str) -> str | None:
    """None for a link without a host; malformed ones are kept so canonicalize() can tell
    the member what is wrong with them."""
    try:
        if not urlsplit(url).netloc:
            return None
        return canonicalize(url)
    except (InvalidLink, ValueError):
        return url


def _trim(url: str) -> str:
    """Drop trailing punctuation and closing brackets that are not part of the URL."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last in _PAIRS and url.count(last) > url.count(_PAIRS[last])):
            url = url[:-1]
        else:
            break
    return url


def canonicalize(url: str) -> str:
    """The canonical form of an http(s) URL. Raises InvalidLink for anything else.
    Idempotent: the canonical form of a canonical form is itself."""
    raw = url.strip()
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in raw):
        raise InvalidLink("That link has spaces or control characters in it.")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as err:
        raise InvalidLink("That link is malformed.") from err
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidLink("Only http and https links can be submitted.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidLink("That link has no valid host.")
    if ":" not in host:
        host = host_name(host, "That link's host name is not valid.")
    host, path, query = _site_rules(host, parts.path, parse_qsl(parts.query, True))
    if host in HTTPS_ONLY:
        scheme = "https"
    name = f"[{host}]" if ":" in host else host
    netloc = name if port in (None, _DEFAULT_PORTS[scheme]) else f"{name}:{port}"
    return urlunsplit((scheme, netloc, _path(path), _query(host, query), ""))


def host_name(text: str, invalid: str = "That host name is not valid.") -> str:
    """A host name as canonical links spell it: IDNA (punycode) ASCII, lower case, without
    a trailing dot. Raises InvalidLink with ``invalid`` for anything that is not one."""
    try:
        host = text.strip().rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError as err:
        raise InvalidLink(invalid) from err
    if not host or not _HOST.match(host):
        raise InvalidLink(invalid)
    return host


def shown_host(host: str) -> str:
    """A host name as people write it: internationalized labels in their own script."""
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host


def on_domains(url: str, domains: tuple[str, ...]) -> str:
    """The first of ``domains`` (host names as ``host_name`` spells them) that the canonical
    ``url``'s host is, or is a subdomain of: ``example.com`` matches ``a.example.com`` and
    not ``badexample.com``. "" when none does."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    for domain in domains:
        if host == domain or host.endswith("." + domain):
            return domain
    return ""


def _unescape_unreserved(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else f"%{match.group(1).upper()}"


def _path(path: str) -> str:
    # Only escapes of unreserved characters are decoded: %2F must stay distinct from "/".
    path = _ESCAPE.sub(_unescape_unreserved, path)
    path = quote(path, safe="/:@!$&'()*+,;=-._~%")
    path = _remove_dot_segments(re.sub(r"/{2,}", "/", path))
    if path in ("", "/"):
        return "/"
    return path.rstrip("/")


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(out) > 1:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if path.endswith(("/.", "/..")):
        out.append("")
    return "/".join(out) or "/"


def _query(host: str, pairs: list[tuple[str, str]]) -> str:
    site = _site(host)
    keep = KEEP_ONLY.get(site)
    drop = DROP_EXTRA.get(site, frozenset())
    kept = []
    for key, value in pairs:
        lowered = key.lower()
        if keep is not None:
            if lowered in keep:
                kept.append((key, value))
            continue
        if lowered in TRACKING_PARAMS or lowered in drop or lowered.startswith(TRACKING_PREFIXES):
            continue
        kept.append((key, value))
    return urlencode(sorted(kept), quote_via=quote)


def _site(host: str) -> str:
    return host.removeprefix("www.")


def _site_rules(host: str, path: str,
                query: list[tuple[str, str]]) -> tuple[str, str, list[tuple[str, str]]]:
    """Host-specific mappings to the canonical page: AMP, mobile hosts, short links."""
    # Google's AMP cache: https://example-com.cdn.ampproject.org/c/s/example.com/page
    if host.endswith(".cdn.ampproject.org") or host == "cdn.ampproject.org":
        match = re.match(r"^/(?:[a-z]/)?(s/)?([^/]+)(/.*)?$", re.sub(r"^/c(?=/)", "", path))
        if match:
            host, path = match.group(2).lower(), match.group(3) or "/"
    if host.startswith("www.google.") and path.startswith("/amp/s/"):
        host, _, tail = path[len("/amp/s/"):].partition("/")
        host, path = host.lower(), "/" + tail
    if wiki := _WIKI_MOBILE.match(host):
        host = f"{wiki.group(1)}.{wiki.group(2)}.org"
    for prefix in MOBILE_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    query = [(k, v) for k, v in query if not (k.lower() in ("amp", "outputtype") and
                                                 v.lower() in ("", "1", "true", "amp"))]
    path = re.sub(r"(/amp)+/?$|\.amp(?=\.html?$)|\.amp$", "", path) or "/"
    site = _site(host)
    if site == "youtu.be":
        video = path.strip("/")
        extra = [(k, v) for k, v in query if k.lower() in ("t", "list")]
        return "www.youtube.com", "/watch", [("v", video), *extra]
    if site in ("youtube.com", "youtube-nocookie.com"):
        host = "www.youtube.com"
        short = _YOUTUBE_PATH.match(path)
        if short:
            return host, "/watch", [("v", short.group(1)), *query]
    if site in ("arxiv.org", "export.arxiv.org"):
        match = _ARXIV.match(path)
        if match:
            return "arxiv.org", f"/abs/{match.group('id')}", []
    return host, path, query
