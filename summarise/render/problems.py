"""Where each problem a brief's checks found belongs: on which fact, on which source line.

The page (views.py) and the Markdown (markdown.py) both put each problem there, in words.
"""

from __future__ import annotations

from summarise.brief import Brief

SUPPORT_CHECK = "Facts supported by their quoted sentence"  # its findings are the facts' own problems


def fact_problems(brief: Brief) -> dict[int, list[str]]:
    """Each fact's problems (1-based): its own, then what the other failed checks say of it."""
    found: dict[int, list[str]] = {}
    for number, fact in enumerate(brief.facts, start=1):
        if not fact.supported:
            found[number] = list(fact.problems) or ["evidence not found"]
    for check in brief.checks:
        if check.passed or check.name == SUPPORT_CHECK:
            continue
        for finding in check.facts:
            found.setdefault(finding.number, []).append(finding.reason)
    return {number: list(dict.fromkeys(reasons)) for number, reasons in found.items()}


def line_problems(brief: Brief) -> dict[int, list[str]]:
    """Each line's problems: as the brief keeps them, or from its checks for a brief made before."""
    found = {line.number: list(line.problems) for line in brief.lines if line.problems}
    for check in brief.checks:
        for finding in check.lines if not check.passed else ():
            reasons = found.setdefault(finding.number, [])
            if finding.reason not in reasons:
                reasons.append(finding.reason)
    return found
