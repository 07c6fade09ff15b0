"""ROUGE and readability of the offline summarizer on ../shared/bench/summarization.

Prints, with the benchmark's own evaluator (summary_eval.py):
  * 27 words, hard-capped (a sentence running past the budget is scored on its first 27 words):
    goal ROUGE-1 >= 29.5, ROUGE-L >= 22.0, mean time <= 15 ms per article;
  * 55 words (the digest's default): goal cut <= 1%, altered <= 1%, disorder <= 1%,
    dangling <= 2% (the evaluator's docstring defines them);
then a leave-one-source-out view of the tuned weights: for each source, the weights are chosen
on the other sources and the held-out source's figures are printed beside the in-sample ones.
Timing figures are noisy on a shared machine.

Run: .venv/bin/python benchmarks/summaries.py   (needs rouge-score, a dev dependency)
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# The shared folder sits beside the main checkout, or two levels up from a worktree.
BENCHES = [parent / "shared" / "bench" for parent in Path(__file__).resolve().parents[1:4]]
GOALS = {"27": {"rouge1": (29.5, ">="), "rougeL": (22.0, ">="), "ms_mean": (15.0, "<=")},
         "55": {"cut_pct": (1.0, "<="), "altered_pct": (1.0, "<="), "disorder_pct": (1.0, "<="),
                "dangling_pct": (2.0, "<=")}}
# The weights the cross-validation re-chooses (bot.summarize.offline), and their grid.
GRID = {"COVER": (0.3, 0.5, 1.0), "WEXP": (0.5, 1.0), "FIT": (0.0, 0.4, 0.8)}


def main() -> int:
    bench = next((b for b in BENCHES if (b / "summary_eval.py").exists()), None)
    if bench is None or not (bench / "summarization").is_dir():
        print(f"no summarization benchmark in {' or '.join(map(str, BENCHES))}; nothing to measure")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for budget, goals in GOALS.items():
            table = Path(tmp) / f"{budget}.json"
            done = subprocess.run(
                [sys.executable, str(bench / "summary_eval.py"), str(bench / "summarization"),
                 "benchmarks.entrypoints:summarize_text", "--max-words", budget, "--hard-cap",
                 "--path", str(REPO), "--json", str(table)],
                check=False, cwd=REPO,
            )
            if done.returncode != 0:
                return done.returncode
            report_goals(json.loads(table.read_text())["table"]["ALL"], goals)
    cross_validate(bench)
    return 0


def report_goals(row: dict[str, float], goals: dict[str, tuple[float, str]]) -> None:
    parts = []
    for key, (limit, op) in goals.items():
        met = row[key] >= limit if op == ">=" else row[key] <= limit
        parts.append(f"{key} {row[key]:.2f} {op} {limit} {'ok' if met else 'MISSED'}")
    print("goals (ALL): " + "; ".join(parts) + "\n")


def cross_validate(bench: Path) -> None:
    """Leave one source out: choose the weights on the other sources by ROUGE-1 at 27 words,
    report the held-out source with them."""
    sys.path.insert(0, str(REPO))
    from rouge_score import rouge_scorer

    import bot.summarize.offline as offline

    evaluator = _load(bench / "summary_eval.py")
    rows = [json.loads(line) for line in
            (bench / "summarization" / "data.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"], use_stemmer=True)
    shipped = {name: getattr(offline, name) for name in GRID}
    settings = [dict(zip(GRID, values, strict=True))
                for values in itertools.product(*GRID.values())]
    scores: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for setting in settings:
        for name, value in setting.items():
            setattr(offline, name, value)
        scores[tuple(setting.values())] = [_score(offline, evaluator, scorer, r) for r in rows]
    for name, value in shipped.items():
        setattr(offline, name, value)
    sources = sorted({r["source"] for r in rows})
    print("leave-one-source-out (weights chosen on the other sources; R1/RL at 27 hard-capped, "
          "readability % at 55)")
    print(f"{'held out':<9} {'weights':<32} {'R1':>6} {'RL':>6} {'cut':>5} {'alt':>5} {'dis':>5} "
          f"{'dang':>5} | in-sample {'R1':>6} {'RL':>6}")
    held_out: list[dict[str, Any]] = []
    in_sample = scores[tuple(shipped.values())]
    for source in sources:
        def train_r1(key: tuple[Any, ...], source: str = source) -> float:
            return statistics.fmean(s["rouge1"] for s in scores[key] if s["source"] != source)
        best = max(scores, key=train_r1)
        fold = [s for s in scores[best] if s["source"] == source]
        held_out += fold
        mine = [s for s in in_sample if s["source"] == source]
        print(f"{source:<9} {_label(best):<32} {_line(fold)} | in-sample {_rouge(mine)}")
    print(f"{'ALL':<9} {'(per fold)':<32} {_line(held_out)} | in-sample {_rouge(in_sample)}")
    print(f"shipped weights: {shipped}")


def _score(offline: ModuleType, evaluator: ModuleType, scorer: Any,
           row: dict[str, Any]) -> dict[str, Any]:
    short = offline.summarize_text(row["text"], 27)
    rouge = scorer.score(row["reference"], " ".join(short.split()[:27]))
    flags = evaluator.readability(row["text"], offline.summarize_text(row["text"], 55))
    return {"source": row["source"], "rouge1": rouge["rouge1"].fmeasure,
            "rougeL": rouge["rougeL"].fmeasure, **flags}


def _rouge(items: list[dict[str, Any]]) -> str:
    return " ".join(f"{100 * statistics.fmean(i[m] for i in items):>6.2f}"
                    for m in ("rouge1", "rougeL"))


def _line(items: list[dict[str, Any]]) -> str:
    flags = " ".join(f"{100 * statistics.fmean(bool(i[f]) for i in items):>5.1f}"
                     for f in ("cut", "altered", "disorder", "dangling"))
    return f"{_rouge(items)} {flags}"


def _label(key: tuple[Any, ...]) -> str:
    return ", ".join(f"{name}={value}" for name, value in zip(GRID, key, strict=True))


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("summary_eval", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    raise SystemExit(main())
