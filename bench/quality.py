"""Brief quality on the ntrex-dev articles, with the bundled model on one engine, in one run.

    flock /tmp/summarise-engine.lock python bench/quality.py [--quick] [--variant NAME ...] [--articles A,B]

For each French article of bench/ntrex-dev (its English original is the
reference), summarise builds a brief and the same model is asked for a raw one-prompt
translation ("Translate this French text into English"). Printed side by side:
- corpus chrF (sacrebleu) of summarise's translation and of the raw one, and paragraphs dropped;
- key-fact recall of summary + facts against bench/quality_keys.toml (written from the English);
- summary sentence counts; source-language words left in summary and facts;
- facts per source line and paragraph (lines cited by several facts);
- facts on their line: the English original of the line a fact cites is (within 3 chrF) the
  article's best match for it, with real overlap; off-line facts the brief shows as supported;
  the same for summary sentences and the lines they are linked to;
- seconds and processed prompt tokens (prompt - reused by the server) per brief.
Exits 1 when a goal of issue 13 is missed (goals below), 2 on bad arguments.
`--variant` runs other pipeline settings (see VARIANTS) on the same engine, for comparison;
the first variant is the one the goals are checked on.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from typing import Any

import sacrebleu
from _common import fresh_cache_dir, load_now, machine, quiet_enough, verdict, workdir
from _quality import leftover_words, load_keys, not_in, placement, recall, sentences_of, shared_lines

from summarise.brief import UNTRANSLATED_MARK, Brief
from summarise.cli import settings_from_env
from summarise.config import FactsMethod, Layout, Settings
from summarise.documents import Document
from summarise.errors import EndpointError
from summarise.model.llm import LLM
from summarise.model.usage import UsageMeter
from summarise.pipeline import build_brief
from summarise.readers import load_document
from summarise.tasks.prompts import Prompts

# The dev set: 12 French news articles with their English originals (bench/ntrex-dev/README.md).
DEV_SET = Path(os.environ.get("SUMMARISE_NTREX_DEV") or Path(__file__).with_name("ntrex-dev"))
QUICK = ("euronews-en_153800", "cnn_304489", "upi_176249")  # three short ones: a check of the script
# Pipeline settings compared by --variant (Settings field -> value).
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    **{layout.value: {"layout": layout} for layout in Layout},
    **{f"facts-{method.value}": {"facts_method": method} for method in FactsMethod},
}
CHRF_MARGIN, RECALL_GOAL, SENTENCES, PLACED_GOAL = 3.0, 0.8, (3, 5), 0.9
RAW_PROMPT = "Translate the following French text into English. Write only the translation.\n\n{text}"


@dataclass
class Score:
    seconds: float = 0.0
    processed: int = 0
    hypotheses: list[str] = field(default_factory=list)
    dropped: int = 0
    recalled: int = 0
    keys: int = 0
    sentence_counts: list[int] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    # the goal's count: leftovers the brief's own translation does not have (it has the English form)
    avoidable: list[str] = field(default_factory=list)
    facts: int = 0
    shared: int = 0  # lines cited by more than one fact
    moved: int = 0  # facts code moved off the line the model cited
    on_line: int = 0  # facts whose line's English original says them (bench/_quality.py: placement)
    off_shown_supported: int = 0  # facts off their line that the brief still shows as supported
    summary_on_lines: int = 0  # summary sentences whose linked lines' English says them
    summary_off_unflagged: int = 0  # ... and those that do not, yet carry no flag
    paragraphs_covered: int = 0
    paragraphs: int = 0
    problems: list[str] = field(default_factory=list)
    summary_sentences: int = 0
    citing: int = 0  # summary sentences that cite a source line
    flagged: int = 0  # summary sentences and facts code flagged


def make_llm(settings: Settings, cache: bool = False, offline: bool = False) -> LLM:
    """summarise's own LLM seam on the embedded engine, without a response cache unless asked;
    `offline`: answers only from the cache, the engine never started (a miss fails the run)."""
    llm = LLM.from_settings(settings, cache=cache)
    llm.offline = offline
    return llm


def cached(base: Settings, variant: str, document: Document, prompts: Prompts) -> bool:
    """Whether the cache holds every answer a variant's brief of `document` needs."""
    settings = base.with_changes(**VARIANTS[variant])
    try:
        build_brief(document, make_llm(settings, cache=True, offline=True), prompts, settings.brief_options())
    except EndpointError:
        return False
    return True


def raw_translation(llm: LLM, document: Document) -> tuple[str, float, int]:
    usage = UsageMeter()
    started = time.perf_counter()
    tokens = max(256, int(len(document.text) / 1.5))  # ~3.5 characters a token; English is shorter
    completion = llm.complete(
        [{"role": "user", "content": RAW_PROMPT.format(text=document.text)}],
        usage=usage,
        label="raw translation",
        max_tokens=tokens,
        allow_truncated=True,
    )
    return completion.text.strip(), time.perf_counter() - started, usage.snapshot().prompt_tokens_processed


def score_brief(score: Score, name: str, brief: Brief, document: Document, reference: str, keys: Any) -> None:
    translation = brief.translation
    score.hypotheses.append("\n".join(p.replace(UNTRANSLATED_MARK, "") for p in translation))
    untranslated = sum(UNTRANSLATED_MARK in p or not p.strip() for p in translation)
    score.dropped += untranslated + abs(document.paragraph_count - len(translation))
    statements = [fact.statement for fact in brief.facts]
    found, missed = recall(keys[name], brief.summary, statements)
    score.recalled += found
    score.keys += len(keys[name])
    count = len(sentences_of(brief.summary))
    score.sentence_counts.append(count)
    left = leftover_words(" ".join([brief.summary, *statements]), document.text, reference)
    score.leftovers += left
    score.avoidable += not_in(left, score.hypotheses[-1])
    score.facts += len(brief.facts)
    shared = shared_lines([fact.sentence for fact in brief.facts])
    score.shared += len(shared)
    score.paragraphs_covered += len({fact.paragraph for fact in brief.facts})
    english = [p for p in reference.splitlines() if p.strip()]
    off = [i for i, f in enumerate(brief.facts) if not placement(f.statement, [f.paragraph], english).on_its_line]
    off_supported = [i for i in off if brief.facts[i].supported]
    score.on_line += len(brief.facts) - len(off)
    moved = sum(f.note.startswith("re-anchored") for f in brief.facts)
    score.moved += moved
    score.off_shown_supported += len(off_supported)
    summary_off = [
        s
        for s in brief.summary_sentences
        if not placement(s.text, sorted({document.sentences[n - 1].paragraph for n in s.lines}), english).on_its_line
    ]
    score.summary_on_lines += len(brief.summary_sentences) - len(summary_off)
    score.summary_off_unflagged += sum(not s.problems for s in summary_off)
    score.paragraphs += document.paragraph_count
    score.problems += [f"{name}: {p}" for p in brief.problems]
    score.summary_sentences += len(brief.summary_sentences)
    score.citing += sum(bool(s.lines) for s in brief.summary_sentences)
    score.flagged += sum(bool(s.problems) for s in brief.summary_sentences) + sum(not f.supported for f in brief.facts)
    print(
        f"    recall {found}/{len(keys[name])}, summary {count} sentences, {len(brief.facts)} facts on "
        f"{len({f.paragraph for f in brief.facts})}/{document.paragraph_count} paragraphs"
        + (f", lines cited twice: {sorted(shared)}" if shared else "")
        + f", facts on their line {len(brief.facts) - len(off)}/{len(brief.facts)} ({moved} moved by code)"
        + (f" (off: {[i + 1 for i in off]}, shown supported: {[i + 1 for i in off_supported]})" if off else "")
        + f", summary sentences on their lines {len(brief.summary_sentences) - len(summary_off)}"
        + f"/{len(brief.summary_sentences)}"
        + (f", leftover: {', '.join(left)}" if left else "")
    )
    if missed:
        print(f"    missed: {'; '.join(missed)}")


def chrf(hypotheses: list[str], references: list[str]) -> float:
    return float(sacrebleu.corpus_chrf(hypotheses, [references]).score)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument("--articles", help="comma-separated article names (default: all 12)")
    parser.add_argument("--variant", action="append", choices=sorted(VARIANTS), help="pipeline settings to run")
    parser.add_argument("--no-raw", action="store_true", help="skip the raw one-prompt translation")
    parser.add_argument("--threads", type=int, help="engine threads (default: summarise's, one per core)")
    parser.add_argument("--prompts", type=Path, help="a folder of prompt files that replace summarise's own")
    parser.add_argument(
        "--cache",
        type=Path,
        help="keep the model's answers in this folder: a second run re-checks the same answers with no call",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="with --cache: answers only from it, no engine (re-checks a run while the engine is busy)",
    )
    args = parser.parse_args()
    if args.offline and not (args.cache and args.no_raw):
        parser.error("--offline needs --cache and --no-raw")
    keys = load_keys()
    names = list(QUICK) if args.quick else args.articles.split(",") if args.articles else sorted(keys)
    unknown = [n for n in names if n not in keys or not (DEV_SET / f"{n}.fr.txt").is_file()]
    if unknown:
        print(f"Error: no article or answer key named {', '.join(unknown)} in {DEV_SET}", file=sys.stderr)
        return 2
    variants = args.variant or ["default"]
    print(f"machine: {machine()}")
    quiet_enough()
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "SUMMARISE_")):
            del os.environ[name]
    references = {n: (DEV_SET / f"{n}.en.ref").read_text(encoding="utf-8").strip() for n in names}
    scores = {v: Score() for v in variants}
    raw = Score()
    with workdir("quality") as work:
        os.environ["SUMMARISE_CACHE_DIR"] = str(args.cache.resolve() if args.cache else fresh_cache_dir(work))
        base: Settings = settings_from_env(*([] if args.cache else ["--no-cache"]))
        if args.threads:  # on a machine other work keeps busy, one thread spins less than two
            base = base.with_changes(engine_threads=args.threads)
        prompts = Prompts(args.prompts)
        for name in list(names):
            document = load_document(DEV_SET / f"{name}.fr.txt", base.max_input_bytes)
            print(f"{name}: {len(document.text):,} characters, {document.paragraph_count} paragraphs")
            if args.offline and not all(cached(base, variant, document, prompts) for variant in variants):
                print("  skipped: not all its answers are in the cache")
                names.remove(name)
                continue
            for variant in variants:
                settings = base.with_changes(**VARIANTS[variant])
                started = time.perf_counter()
                llm = make_llm(settings, cache=bool(args.cache), offline=args.offline)
                brief = build_brief(document, llm, prompts, settings.brief_options())
                seconds = time.perf_counter() - started
                score = scores[variant]
                score.seconds += seconds
                score.processed += brief.usage.prompt_tokens_processed
                print(
                    f"  {variant}: {seconds:.0f} s, {brief.usage.llm_calls} calls, "
                    f"{brief.usage.prompt_tokens_processed:,} prompt tokens processed (load {load_now()})"
                )
                score_brief(score, name, brief, document, references[name], keys)
            if not args.no_raw:
                text, seconds, processed = raw_translation(make_llm(base), document)
                raw.hypotheses.append(text)
                raw.seconds += seconds
                raw.processed += processed
                got = len([p for p in text.split("\n") if p.strip()])
                raw.dropped += max(0, document.paragraph_count - got)
                print(f"  raw translation: {seconds:.0f} s, {got}/{document.paragraph_count} paragraphs")
    refs = [references[n] for n in names]
    print(f"\n{len(names)} articles, {sum(s.keys for s in scores.values()) // len(variants)} answer keys")
    header = f"{'':34}" + "".join(f"{v:>14}" for v in variants) + ("" if args.no_raw else f"{'raw prompt':>14}")
    print(header)

    def row(label: str, values: list[str], raw_value: str = "") -> None:
        print(f"{label:34}" + "".join(f"{v:>14}" for v in values) + ("" if args.no_raw else f"{raw_value:>14}"))

    chrfs = {v: chrf(s.hypotheses, refs) for v, s in scores.items()}
    raw_chrf = chrf(raw.hypotheses, refs) if not args.no_raw else 0.0
    row("translation chrF", [f"{chrfs[v]:.1f}" for v in variants], f"{raw_chrf:.1f}")
    row("paragraphs dropped", [str(s.dropped) for s in scores.values()], str(raw.dropped))
    row("key-fact recall", [f"{s.recalled / s.keys:.2f}" for s in scores.values()])
    row(
        "summaries of 3-5 sentences",
        [f"{sum(3 <= c <= 5 for c in s.sentence_counts)}/{len(names)}" for s in scores.values()],
    )
    row("summary sentences (min-max)", [f"{min(s.sentence_counts)}-{max(s.sentence_counts)}" for s in scores.values()])
    row("summary sentences citing a line", [f"{s.citing}/{s.summary_sentences}" for s in scores.values()])
    row("summary sentences + facts flagged", [str(s.flagged) for s in scores.values()])
    row("leftover source words", [str(len(s.leftovers)) for s in scores.values()])
    row("  where the translation has the English form", [str(len(s.avoidable)) for s in scores.values()])
    row("facts (per paragraph)", [f"{s.facts} ({s.facts / s.paragraphs:.2f})" for s in scores.values()])
    row("paragraphs with a fact", [f"{s.paragraphs_covered / s.paragraphs:.0%}" for s in scores.values()])
    row("lines cited by 2+ facts", [str(s.shared) for s in scores.values()])
    row("facts on their line", [f"{s.on_line}/{s.facts}" for s in scores.values()])
    row("  moved there by code", [str(s.moved) for s in scores.values()])
    row("  off their line, shown supported", [str(s.off_shown_supported) for s in scores.values()])
    row("summary sentences on their lines", [f"{s.summary_on_lines}/{s.summary_sentences}" for s in scores.values()])
    row("  off their lines, not flagged", [str(s.summary_off_unflagged) for s in scores.values()])
    row(
        "seconds per brief",
        [f"{s.seconds / len(names):.0f}" for s in scores.values()],
        f"{raw.seconds / len(names):.0f}",
    )
    row(
        "prompt tokens processed per brief",
        [f"{s.processed / len(names):,.0f}" for s in scores.values()],
        f"{raw.processed / len(names):,.0f}",
    )
    for variant, score in scores.items():
        for problem in score.problems:
            print(f"  {variant} problem: {problem}")
        if score.leftovers:
            print(f"  {variant} leftover words: {', '.join(sorted(set(score.leftovers)))}")
        if score.avoidable:
            avoidable = ", ".join(sorted(set(score.avoidable)))
            print(f"  {variant} ... where the translation has the English form: {avoidable}")
    first = scores[variants[0]]
    ok = all(
        [
            args.no_raw
            or verdict(
                "translation chrF >= raw + 3",
                chrfs[variants[0]] >= raw_chrf + CHRF_MARGIN,
                f"{chrfs[variants[0]]:.1f} vs {raw_chrf:.1f}",
            ),
            verdict("0 paragraphs dropped", first.dropped == 0, f"{first.dropped}"),
            verdict(
                f"key-fact recall >= {RECALL_GOAL}",
                first.recalled / first.keys >= RECALL_GOAL,
                f"{first.recalled}/{first.keys} = {first.recalled / first.keys:.2f}",
            ),
            verdict("no line cited by two facts", first.shared == 0, f"{first.shared} line(s)"),
            verdict(
                f">= {PLACED_GOAL:.0%} of facts on their line",
                first.on_line >= PLACED_GOAL * first.facts,
                f"{first.on_line}/{first.facts}",
            ),
            verdict(
                "0 facts off their line shown as supported",
                not first.off_shown_supported,
                f"{first.off_shown_supported}",
            ),
            verdict(
                f">= {PLACED_GOAL:.0%} of summary sentences on their lines, the others flagged",
                first.summary_on_lines >= PLACED_GOAL * first.summary_sentences and not first.summary_off_unflagged,
                f"{first.summary_on_lines}/{first.summary_sentences}, {first.summary_off_unflagged} off, not flagged",
            ),
            verdict(
                "every summary 3-5 sentences",
                all(SENTENCES[0] <= c <= SENTENCES[1] for c in first.sentence_counts),
                f"counts {first.sentence_counts}",
            ),
            verdict(
                "0 source-language words left where the translation has the target form",
                not first.avoidable,
                f"{len(first.avoidable)} (all leftovers: {len(first.leftovers)})",
            ),
        ]
    )
    print(f"mean seconds per brief: {mean([first.seconds / len(names)]):.0f} (compare with docs/history/quality.md)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
