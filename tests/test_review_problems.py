"""Every problem on its line and its fact, in the page and the Markdown, and the desk's record (as files).

The browser tests (test_review_desk.py) drive the same pages and the desk live.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from pathlib import Path

from briefs import document, lines_of, make_brief
from conftest import SHORT_SEED, seed
from test_html import replayed

from summarise.brief import Check, FactVerdict, Finding, Review, SummarySentence
from summarise.cli import main
from summarise.documents.languages import parse_language
from summarise.grounding.report import cross_checks, problems_by_line
from summarise.render import read_front_matter, render_markdown
from summarise.render.html import read_page_record, render_html
from summarise.render.publish import write_brief
from summarise.review import record_review


def _line(page: str, number: int) -> str:
    match = re.search(rf'<div class="line[^"]*" id="L{number}">.*?</div>', page, re.DOTALL)
    assert match, f"no line {number}"
    return match.group(0)


def test_the_seed_brief_marks_each_line_a_check_names_with_the_reason(endpoint, runner) -> None:
    """The recorded seed brief: every line a failed check names carries the reason, in the
    JSON, on the page (painted and linked from the check) and in the Markdown's list."""
    with replayed("test_brief_recorded/test_brief_of_a_french_press_release.yaml"):
        result = runner.invoke(main, ["brief", str(seed(SHORT_SEED)), "-o", "brief.md", "--json", "--html"])
    assert result.exit_code == 0, result.output
    data = json.loads(Path("brief.json").read_text(encoding="utf-8"))
    failed = [check for check in data["checks"] if not check["passed"]]
    named = {finding["number"] for check in failed for finding in check["lines"]}
    # Every line a failed check names carries a problem; no other line does.
    assert named and named == {line["number"] for line in data["lines"] if line["problems"]}
    page = Path("brief.html").read_text(encoding="utf-8")
    markdown = Path("brief.md").read_text(encoding="utf-8")
    for check in failed:
        for finding in check["lines"]:
            number, reason = finding["number"], finding["reason"]
            line = data["lines"][number - 1]
            assert reason in line["problems"]
            assert "problem" in _line(page, number).split('"')[1]  # painted as a problem, not as evidence
            assert f"Problem, line {number}:</strong> {html.escape(reason, quote=False)}" in _line(page, number)
            item = re.search(rf'<li class="fail">(?:(?!</li>).)*?{re.escape(check["name"])}.*?</li>', page, re.S)
            assert item and f'href="#L{number}"' in item.group(0)
            assert f"- line {number} (¶{line['paragraph']}): " in markdown and reason in markdown


def test_each_check_finding_lands_on_its_line_and_its_fact() -> None:
    """A qualifier changed, source words left, a name lost: each on its line or fact, linked from Checks."""
    doc = document(
        "Le budget est de près de 90 millions d’euros.\n\nLe Forum Global de Lutte contre le Terrorisme a parlé."
    )
    target = parse_language("en")
    translated = {
        1: "The budget is more than 90 million euros.",
        2: "The Forum Global of Lutte contre le Terrorisme spoke.",
    }
    brief = make_brief(doc, translation=tuple(translated.values()), lines=())
    fact = replace(
        brief.facts[0],
        statement="Paris hosted the Global Forum.",
        sentence=2,
        paragraph=2,
        evidence=doc.sentences[1].text,
    )
    checks = cross_checks(
        doc,
        target,
        summary=(),
        summary_notes=(),
        facts=[fact],
        translation=list(translated.values()),
        translated=translated,
    )
    on_line = problems_by_line(checks)
    assert on_line[1] == ("“90 million euros” is said more than; the source says nearly/about",)
    assert any("French words left" in reason and "contre" in reason for reason in on_line[2])
    brief = replace(
        brief,
        facts=(fact,),
        checks=tuple(checks),
        lines=tuple(replace(line, problems=on_line.get(line.number, ())) for line in lines_of(doc, translated)),
    )
    page = render_html(brief)
    assert "more than; the source says nearly/about" in _line(page, 1)
    card = re.search(r'<li class="fact[^"]*" id="F1">.*?</li>\n</ol>', page, re.DOTALL).group(0)
    assert "has-problems" in card and "Paris" in card and "<strong>Problem:</strong>" in card
    names = re.search(r'<li class="fail">.*?Names in the facts.*?</li>', page).group(0)
    assert 'href="#F1"' in names
    markdown = render_markdown(brief)
    assert "⚠ **to check**: not in the translation of line 2: Global Forum" in markdown


def test_a_fact_card_shows_its_lines_translation_and_links_the_line_the_model_cited() -> None:
    brief = make_brief()
    page = render_html(brief)
    card = re.search(r'<li class="fact[^"]*" id="F3">.*?</li>', page, re.DOTALL).group(0)
    evidence = brief.lines[brief.facts[2].sentence - 1]
    assert f'<blockquote class="evidence-translation" lang="en" dir="auto">{evidence.translation}</blockquote>' in card
    assert 're-anchored: the model cited <a href="#L15">line 15</a>' in card


def test_line_problems_check_findings_and_fact_verdicts_round_trip_through_the_page() -> None:
    brief = make_brief()
    brief = replace(
        brief,
        lines=(replace(brief.lines[0], problems=("“11” is not in the translation",)), *brief.lines[1:]),
        checks=(Check("Numbers", False, "missing", lines=(Finding(1, "“11” gone"),), facts=(Finding(2, "x"),)),),
        review=Review("approved", "Alice", "2026-01-01T00:00:00+00:00", "", "", (FactVerdict(1, "wrong", "date"),)),
    )
    assert read_page_record(render_html(brief)) == brief


def test_per_fact_verdicts_are_kept_in_the_front_matter_and_the_brief_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "lyon.md"
    write_brief(path, make_brief(), html=True)
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    record_review(
        path, "rejected", "Bob", "fact 2 is wrong", (FactVerdict(2, "wrong", "1999?"), FactVerdict(1, "right"))
    )
    after = path.read_text(encoding="utf-8")
    assert after.split("\n---\n", 1)[1] == body
    review = read_front_matter(after)["review"]
    assert review["facts"] == [{"fact": 2, "verdict": "wrong", "note": "1999?"}, {"fact": 1, "verdict": "right"}]
    page = path.with_suffix(".html").read_text(encoding="utf-8")
    assert 'class="badge verdict-wrong">wrong</span> 1999?' in page


def test_review_tells_a_folder_from_a_brief(runner, tmp_path: Path) -> None:
    (tmp_path / "briefs").mkdir()
    write_brief(tmp_path / "briefs" / "a.md", make_brief())
    folder = runner.invoke(main, ["review", "briefs", "--approve"])
    assert folder.exit_code == 2 and folder.stderr.startswith("Error: ") and "--serve" in folder.stderr
    file = runner.invoke(main, ["review", "briefs/a.md", "--serve", "--no-open"])
    assert file.exit_code == 2 and "not a folder" in file.stderr and "Traceback" not in file.output
    both = runner.invoke(main, ["review", "briefs", "--serve", "--approve"])
    assert both.exit_code == 2 and "none of --approve, --reject, --clear" in both.stderr


def test_a_summary_sentence_with_a_problem_says_so_in_the_page() -> None:
    problem = "“2011” is said exactly; the source says nearly/about"
    brief = make_brief(
        summary_sentences=(
            SummarySentence("Paragraph 1 says thing 1 in Lyon.", (1,)),
            SummarySentence("Paragraph 11 says thing 32 in 2011.", (32,), (problem,)),
        )
    )
    summary = re.search(r'<section class="summary".*?</section>', render_html(brief), re.DOTALL).group(0)
    assert summary.count("sentence-problem") == 1
    assert "2011.</span>" in summary.split("sentence-problem")[0] and problem in summary
