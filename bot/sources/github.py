"""GitHub repositories: name, description and the lead of the README."""

from __future__ import annotations

import re

from bot.models import Article, SourceKind
from bot.sources.html_meta import first, parse, text_of

REPO_PATH = re.compile(r"^/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)$")
README_PARAGRAPHS = 4
# First path segments that are GitHub's own pages, not owners.
NOT_OWNERS = frozenset({"orgs", "topics", "features", "marketplace", "sponsors", "settings",
                        "about", "pricing", "search", "explore", "login", "collections",
                        "trending", "enterprise", "apps", "notifications", "security"})


def is_repository(match: re.Match[str]) -> bool:
    return match["owner"].lower() not in NOT_OWNERS


def parse_repo(html: str, url: str, owner: str, repo: str) -> Article:
    tree = parse(html)
    description = first(tree, "og:description", "description")
    description = re.sub(rf"^Contribute to {re.escape(owner)}/{re.escape(repo)} development "
                         r"by creating an account on GitHub\.?$", "", description)
    description = re.sub(rf"\s*-\s*{re.escape(owner)}/{re.escape(repo)}$", "", description)
    readme = tree.xpath('//article[contains(@class, "markdown-body")]//p')
    lead = [text_of(p) for p in readme if len(text_of(p).split()) >= 5][:README_PARAGRAPHS]
    text = "\n".join(part for part in [description, *lead] if part).strip()
    return Article(url=url, title=f"{owner}/{repo}", text=text, authors=(owner,),
                   site_name="GitHub", description=description, canonical_url=url,
                   kind=SourceKind.CODE, image=first(tree, "og:image"))
