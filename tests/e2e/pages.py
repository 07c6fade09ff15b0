"""Small realistic article pages for end-to-end tests."""

from __future__ import annotations

ARTICLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Tensor Times</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="Tensor Times">
<meta name="author" content="{author}"></head>
<body><header><nav><a href="/">Home</a> <a href="/about">About</a></nav></header>
<article><h1>{title}</h1><p class="byline">By {author}</p>
{paragraphs}
</article><footer>© 2026 Tensor Times. Subscribe to our newsletter.</footer></body></html>
"""

TOPICS = {
    "quantization": ("Quantization, explained", "Ada Byron",
                     "Quantization stores model weights in fewer bits to cut memory and cost."),
    "moe": ("Why mixture-of-experts models are cheap to run", "Grace Hopper",
            "Mixture-of-experts models route each token to a few experts, so most weights idle."),
    "evals": ("Evals are the new unit tests", "Linus Pauling",
              "Teams that ship language models now treat evaluation suites like unit tests."),
}


def article(key: str) -> str:
    title, author, lead = TOPICS[key]
    body = [
        lead,
        "Engineers measured the effect across several open models and many tasks, and the "
        "results held up well in production settings with real traffic and real budgets.",
        "The approach is not free: it needs careful calibration, good tooling and a clear idea "
        "of which workloads matter most before anything is changed in a deployed system.",
        "Still, the trend is clear, and most teams adopting it report lower bills and "
        "faster responses without a noticeable loss in quality for their users.",
    ]
    return ARTICLE.format(title=title, author=author,
                          paragraphs="\n".join(f"<p>{p}</p>" for p in body))
