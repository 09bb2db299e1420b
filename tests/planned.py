"""How many calls a run makes, read from the dry run's plan rather than written as a literal.

A test that counts the requests a stub received compares them with what `summarise batch
--dry-run` plans for the same documents and settings (the same step list, tasks/steps.py):
adding a step changes the plan and the run alike, and no count in a test.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from tempfile import TemporaryDirectory

from click.testing import CliRunner

from summarise.cli import main

# The dry run's closing row: "total (N documents)", pages, characters, chunks, calls, repairs, ...
TOTAL = re.compile(r"^total \(\d+ documents\)\s+\S+\s+\S+\s+\d+\s+(\d+)\s+(\d+)\s", re.MULTILINE)


def planned_calls(*documents: str | Path, args: tuple[str, ...] = ()) -> int:
    """The calls the dry run plans for `documents` with the settings of the environment (the
    stub's endpoint) and `args`: the first tries, as a stub whose answers need no repair receives
    them. The documents are copied into a fresh folder under the working directory (the test's
    tmp_path), planned there without the cache (nothing the test looks at is touched), then removed."""
    with TemporaryDirectory(dir=".", prefix=".planned-") as folder:
        inputs = Path(folder, "in")
        inputs.mkdir()
        for index, document in enumerate(documents):
            shutil.copyfile(document, inputs / f"{index}-{Path(document).name}")
        result = CliRunner().invoke(
            main, ["batch", str(inputs), "-o", str(Path(folder, "out")), "--dry-run", "--no-cache", *args]
        )
        assert result.exit_code == 0, result.output
        total = TOTAL.search(result.stdout)
        assert total is not None and f"{len(documents)} to summarise" in result.stdout, result.output
        return int(total.group(1))


def planned_text(text: str, args: tuple[str, ...] = ()) -> int:
    """`planned_calls` for a document given as its text (standard input, say)."""
    with TemporaryDirectory(dir=".", prefix=".planned-") as folder:
        document = Path(folder, "document.txt")
        document.write_text(text, encoding="utf-8")
        return planned_calls(document, args=args)
