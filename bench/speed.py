"""Speculative decoding on the embedded engine: the bundled 1.5B model alone, with the
0.5B draft model, and with n-gram lookup, side by side in one run.

    flock /tmp/summarise-engine.lock python bench/speed.py [--quick] [--modes off,ngram,draft]

Two parts, each on one engine build (xllamacpp, the bundled Qwen2.5-Coder-1.5B Q4_K_M):
1. Cold brief: `summarise brief inputs/marrakech-coalition-meeting-2022.txt -v` as a user
   runs it (a fresh process, a fresh response cache, the engine started; the models are
   already assembled), once per mode (SUMMARISE_SPECULATIVE). Wall time, and the
   translation call's generation tokens/s as llama.cpp reports it (`-v`).
2. Same text? The translation task alone, through summarise's own pipeline code, on the
   2018 seed and the ntrex-dev articles, on one engine per mode. Each answer is compared
   with the plain engine's; where they differ, corpus chrF (sacrebleu) against the
   English originals says whether it matters. Generation tokens/s are summed over calls.
Greedy decoding (temperature 0) verified by the big model should give the big model's own
text; batched verification may still round differently, which part 2 shows.
Goals (issue 17): cold brief <= 0.5x the plain engine's wall time; translation generation
>= 1.6x the plain engine's tokens/s; chrF not lower by more than 0.5 where texts differ.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import sacrebleu
from _common import INPUTS, SEEDS, SUMMARISE, fresh_cache_dir, load_now, machine, quiet_enough, verdict, workdir

from summarise.config import Settings
from summarise.model.engine import stop_shared_engine
from summarise.model.llm import LLM
from summarise.model.usage import UsageMeter
from summarise.pipeline import plan
from summarise.readers import load_document
from summarise.reporting import Reporter
from summarise.tasks.common import TaskContext, Work, assemble_paragraphs
from summarise.tasks.prompts import Prompts
from summarise.tasks.steps import TRANSLATION, run
from summarise.tasks.translation_numbers import finished

SEED_2022 = INPUTS / "marrakech-coalition-meeting-2022.txt"
DEV_SET = Path(os.environ.get("SUMMARISE_NTREX_DEV") or "/work/shared/quality/ntrex-dev")
QUICK_ARTICLES = ("euronews-en_153800", "upi_176249")
BRIEF_GOAL, SPEED_GOAL, CHRF_MARGIN = 0.5, 1.6, 0.5
# "... 612 completion tokens, 31.0 s (prefill 60 tok/s, generation 21.3 tok/s, 380/500 drafted tokens accepted)"
CALL = re.compile(
    r"call\s+(?P<label>[^:]+): (?P<prompt>\d+) prompt tokens \((?P<cached>\d+) reused by the server\), "
    r"(?P<completion>\d+) completion tokens, (?P<seconds>[\d.]+) s \(prefill [\d.]+ tok/s, "
    r"generation (?P<speed>[\d.]+) tok/s(?:, (?P<accepted>\d+)/(?P<drafted>\d+) drafted tokens accepted)?\)"
)


@dataclass
class Calls:
    """Generation figures summed over the calls one run logged."""

    tokens: int = 0
    seconds: float = 0.0  # generation time only, from llama.cpp's own tokens/s
    drafted: int = 0
    accepted: int = 0
    lines: list[str] = field(default_factory=list)

    def add(self, line: str, only: str = "") -> None:
        match = CALL.search(line)
        if not match or only not in match["label"]:
            return
        tokens, speed = int(match["completion"]), float(match["speed"])
        self.tokens += tokens
        self.seconds += tokens / speed if speed else 0.0
        self.drafted += int(match["drafted"] or 0)
        self.accepted += int(match["accepted"] or 0)
        self.lines.append(line.strip())

    @property
    def speed(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    def acceptance(self) -> str:
        return f"{self.accepted / self.drafted:.0%} of {self.drafted} drafted" if self.drafted else "-"


def cold_brief(mode: str, work: Path) -> tuple[float, dict[str, object], Calls, str]:
    """One `summarise brief` in a fresh process and a fresh cache: wall time, the brief, its calls."""
    cache = fresh_cache_dir(work / mode)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARISE_"))}
    env |= {"SUMMARISE_CACHE_DIR": str(cache), "SUMMARISE_SPECULATIVE": mode}
    out = work / mode / "outputs" / f"{SEED_2022.stem}.md"
    command = [SUMMARISE, "brief", str(SEED_2022), "-o", str(out), "--json", "-v"]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    print(f"  {mode}: {seconds:.1f} s, exit {result.returncode}", flush=True)
    if result.returncode != 0:
        raise SystemExit(f"summarise brief failed ({mode}):\n{result.stderr[-2000:]}")
    calls = Calls()
    for line in result.stderr.splitlines():
        calls.add(line, only="translate")
        if match := CALL.search(line):  # where the time goes, call by call
            print(f"         {match['label'].strip()}: {match['completion']} tokens in {match['seconds']} s")
    brief = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    engine_line = next((line for line in result.stderr.splitlines() if "engine" in line and "ready" in line), "")
    return seconds, brief, calls, engine_line.strip()


def brief_text(brief: dict[str, object]) -> dict[str, object]:
    """What a reader reads: summary, facts, translation (not timestamps or usage)."""
    facts = brief.get("facts") or []
    return {
        "summary": brief.get("summary"),
        "facts": [f.get("statement") or f.get("fact") for f in facts if isinstance(f, dict)],  # type: ignore[union-attr]
        "translation": brief.get("translation"),
    }


def translations(mode: str, documents: list[Path]) -> tuple[dict[str, str], Calls]:
    """The translation task on each document, through summarise's own code, on a fresh engine."""
    stop_shared_engine()
    settings = Settings(cache_dir=Path(os.environ["SUMMARISE_CACHE_DIR"]), use_cache=False, speculative=mode)
    calls = Calls()
    reporter = Reporter(calls.add, quiet=True, verbose=True)  # each call's -v line: its tokens and time
    llm = LLM.from_settings(settings, cache=False, reporter=reporter)
    prompts = Prompts(None)
    options = settings.brief_options()
    texts: dict[str, str] = {}
    for path in documents:
        document = load_document(path, settings.max_input_bytes)
        document, chunks = plan(document, llm, prompts, options)
        context = TaskContext(prompts, document, options, llm.context_tokens, UsageMeter(), reporter)
        translated: dict[int, str] = {}
        for chunk in chunks:  # the translation steps alone (summarise/tasks/steps.py)
            work = Work(context, chunk)
            run(TRANSLATION, work, llm)
            translated |= finished(work)
        texts[path.name] = "\n\n".join(assemble_paragraphs(document.sentences, translated))
    stop_shared_engine()
    return texts, calls


def chrf(texts: dict[str, str]) -> float | None:
    """Corpus chrF over the ntrex-dev articles (one segment per article)."""
    names = [name for name in texts if name.endswith(".fr.txt")]
    if not names:
        return None
    references = [(DEV_SET / name.replace(".fr.txt", ".en.ref")).read_text(encoding="utf-8") for name in names]
    return float(sacrebleu.corpus_chrf([texts[name] for name in names], [references]).score)


def first_difference(a: str, b: str) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"at char {at}: {a[max(0, at - 30) : at + 40]!r} vs {b[max(0, at - 30) : at + 40]!r}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"part 2 on {len(QUICK_ARTICLES)} short articles only")
    parser.add_argument("--modes", default="off,ngram,draft", help="comma-separated; the first is the baseline")
    parser.add_argument("--skip-brief", action="store_true", help="part 2 only")
    parser.add_argument("--articles", help="part 2 on these ntrex-dev articles only (comma-separated), no seed")
    parser.add_argument("--skip-translations", action="store_true", help="part 1 only")
    args = parser.parse_args()
    modes = args.modes.split(",")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    print(f"machine: {machine()}")
    print(f"commit: {commit.stdout.strip()}, xllamacpp {_xllamacpp_version()}")
    quiet_enough()
    ok = True
    with workdir("speed") as work:
        os.environ["SUMMARISE_CACHE_DIR"] = str(fresh_cache_dir(work / "in-process"))
        if not args.skip_brief:
            print(f"\n1. cold brief of {SEED_2022.name} ({SEED_2022.stat().st_size:,} bytes), one fresh process each")
            runs = {}
            for mode in modes:
                seconds, brief, calls, engine = cold_brief(mode, work)
                runs[mode] = (seconds, brief, calls)
                print(
                    f"  {mode:6} {seconds:6.1f} s  translation {calls.tokens} tokens at {calls.speed:5.1f} tok/s, "
                    f"drafts accepted {calls.acceptance()}  (load {load_now()})"
                )
                print(f"         {engine}")
            base_seconds, base_brief, base_calls = runs[modes[0]]
            print(f"\n  {'mode':6} {'wall':>8} {'ratio':>6} {'gen tok/s':>10} {'ratio':>6}  same text as {modes[0]}")
            for mode, (seconds, brief, calls) in runs.items():
                same = [key for key, value in brief_text(brief).items() if value == brief_text(base_brief)[key]]
                print(
                    f"  {mode:6} {seconds:7.1f}s {seconds / base_seconds:6.2f} {calls.speed:10.1f} "
                    f"{calls.speed / base_calls.speed if base_calls.speed else 0:6.2f}  "
                    f"{', '.join(same) if len(same) < 3 else 'all'}"
                )
            best = min(modes[1:], key=lambda m: runs[m][0], default=modes[0])
            ok &= verdict(
                "cold brief",
                runs[best][0] <= BRIEF_GOAL * base_seconds,
                f"{best}: {runs[best][0]:.1f} s vs {base_seconds:.1f} s = {runs[best][0] / base_seconds:.2f}x "
                f"(goal <= {BRIEF_GOAL}x)",
            )
        if not args.skip_translations:
            articles = sorted(DEV_SET.glob("*.fr.txt"))
            if args.quick:
                articles = [a for a in articles if a.name.split(".")[0] in QUICK_ARTICLES]
            if args.articles:
                articles = [a for a in articles if a.name.split(".")[0] in args.articles.split(",")]
            documents = articles if args.articles else [SEEDS[0], *articles]
            print(f"\n2. translation task on {', '.join(d.name for d in documents)}, one engine per mode")
            results = {}
            for mode in modes:
                started = time.perf_counter()
                texts, calls = translations(mode, documents)
                results[mode] = (texts, calls)
                print(
                    f"  {mode:6} {time.perf_counter() - started:6.1f} s, {calls.tokens} tokens generated at "
                    f"{calls.speed:5.1f} tok/s, drafts accepted {calls.acceptance()}  (load {load_now()})"
                )
            base_texts, base_calls = results[modes[0]]
            base_chrf = chrf(base_texts)
            print(f"\n  {'mode':6} {'gen tok/s':>10} {'ratio':>6} {'same text':>10} {'chrF':>6}")
            for mode, (texts, calls) in results.items():
                same = sum(texts[name] == base_texts[name] for name in texts)
                score = chrf(texts)
                print(
                    f"  {mode:6} {calls.speed:10.1f} {calls.speed / base_calls.speed:6.2f} "
                    f"{same:>4} of {len(texts):<3} {score or 0:6.2f}"
                )
                for name in texts:
                    if texts[name] != base_texts[name]:
                        print(f"         differs: {name} {first_difference(base_texts[name], texts[name])}")
                if mode != modes[0] and score is not None and base_chrf is not None:
                    ok &= verdict(
                        f"chrF {mode}",
                        score >= base_chrf - CHRF_MARGIN,
                        f"{score:.2f} vs {base_chrf:.2f} (may be lower by {CHRF_MARGIN} at most)",
                    )
            best = max(modes[1:], key=lambda m: results[m][1].speed, default=modes[0])
            ratio = results[best][1].speed / base_calls.speed
            ok &= verdict(
                "translation tokens/s",
                ratio >= SPEED_GOAL,
                f"{best}: {results[best][1].speed:.1f} vs {base_calls.speed:.1f} tok/s = {ratio:.2f}x "
                f"(goal >= {SPEED_GOAL}x)",
            )
    return 0 if ok else 1


def _xllamacpp_version() -> str:
    from importlib.metadata import version

    return version("xllamacpp")


if __name__ == "__main__":
    sys.exit(main())
