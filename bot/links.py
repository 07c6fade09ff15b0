"""Finding links in chat messages and putting them in canonical form.

The canonical form is what dedup compares: two links to the same page must come out equal,
and two different pages must not. The rules are documented as a table in the README.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from bot.errors import InvalidLink

# Slack's <url|label> and <url>, Discord's <url> and [label](url), and bare links. A bare link
# must start a word: "testhttp://x" is not a link.
_SLACK_OR_ANGLE = re.compile(r"<(https?://[^>|\s]+)(?:\|[^>]*)?>", re.IGNORECASE)
_MARKDOWN = re.compile(r"\[[^\]]*\]\((https?://[^)\s]+)\)", re.IGNORECASE)
_BARE = re.compile(r"(?<![\w@/:.+-])https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*_~"
_PAIRS = {")": "(", "]": "[", "}": "{"}

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "li_fat_id", "mc_cid", "mc_eid", "igshid", "igsh", "ref_src", "ref_url", "_hsenc", "_hsmi",
    "mkt_tok", "vero_id", "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "spm", "scid",
    "__s", "_ga", "_gl", "cmpid", "smid", "wt_mc", "ncid", "sr_share", "trk", "trkcampaign",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "ga_")

# Per-domain rules: which parameters identify content (kept even if they look like tracking)
# and which are noise on that site only. Keys are registrable hosts without "www.".
KEEP_ONLY: dict[str, frozenset[str]] = {
    "youtube.com": frozenset({"v", "list", "t", "index"}),
    "news.ycombinator.com": frozenset({"id"}),
}
DROP_EXTRA: dict[str, frozenset[str]] = {
    "twitter.com": frozenset({"s", "t"}),
    "x.com": frozenset({"s", "t"}),
    "open.spotify.com": frozenset({"si"}),
    "youtu.be": frozenset({"si", "feature"}),
    "linkedin.com": frozenset({"trackingid", "lipi", "rcm"}),
    "medium.com": frozenset({"source", "sk"}),
}
MOBILE_PREFIXES = ("m.", "mobile.", "amp.")
HTTPS_ONLY = frozenset({"arxiv.org", "www.youtube.com", "github.com"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST = re.compile(rf"^(?:{_LABEL}\.)*{_LABEL}$")
_ARXIV = re.compile(r"^/(?:abs|pdf)/(?P<id>[\w.\-/]+?)(?:v\d+)?(?:\.pdf)?/?$")


def find_urls(text: str, limit: int = 5) -> list[str]:
    """The http(s) links in a message, in order, without duplicates, at most ``limit``."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_SLACK_OR_ANGLE, _MARKDOWN):
        for match in pattern.finditer(text):
            found.append((match.start(), match.group(1)))
            taken.append(match.span())
    for match in _BARE.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        found.append((match.start(), _trim(match.group(0))))
    urls: list[str] = []
    for _, url in sorted(found):
        if url not in urls and _has_host(url):
            urls.append(url)
    return urls[:limit]


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).netloc)
    except ValueError:
        return True  # malformed: let canonicalize() explain what is wrong with it


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
    """The canonical form of an http(s) URL. Raises InvalidLink for anything else."""
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as err:
        raise InvalidLink(f"That link is malformed: {err}.") from err
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidLink("Only http and https links can be submitted.")
    host = (parts.hostname or "").rstrip(".")
    if not host or any(c.isspace() for c in raw):
        raise InvalidLink("That link has no valid host.")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as err:
        raise InvalidLink("That link's host name is not valid.") from err
    if not (_HOST.match(host) or ":" in host):
        raise InvalidLink("That link's host name is not valid.")
    host, path, query = _site_rules(host, parts.path, parse_qsl(parts.query, True))
    if host in HTTPS_ONLY:
        scheme = "https"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]" if port in (None, _DEFAULT_PORTS[scheme]) else f"[{host}]:{port}"
    return urlunsplit((scheme, netloc, _path(path), _query(host, query), ""))


def _path(path: str) -> str:
    path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~%")
    path = re.sub(r"/{2,}", "/", path)
    if path in ("", "/"):
        return "/"
    return path.rstrip("/") if not path.endswith("//") else path


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
        match = re.match(r"^/(?:[a-z]/)?(s/)?([^/]+)(/.*)?$", re.sub(r"^/c", "", path))
        if match:
            host, path = match.group(2).lower(), match.group(3) or "/"
    if host.startswith("www.google.") and path.startswith("/amp/s/"):
        rest = path[len("/amp/s/"):]
        host, _, tail = rest.partition("/")
        path = "/" + tail
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
    if site == "youtube.com":
        host = "www.youtube.com"
        short = re.match(r"^/(?:shorts|embed|live)/([\w-]+)", path)
        if short:
            return host, "/watch", [("v", short.group(1)), *query]
    if site in ("arxiv.org", "export.arxiv.org"):
        match = _ARXIV.match(path)
        if match:
            return "arxiv.org", f"/abs/{match.group('id')}", []
    return host, path, query
