"""Promises about bad input: a clear one-line error or a correct brief, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarise.brief.files import safe_output_path
from summarise.cli import main
from summarise.errors import InputError
from summarise.render import read_front_matter

FRENCH = "Le conseil s'est réuni à Genève le 3 mars 2024.\n\nIl a voté un budget de 12 millions d'euros."


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252", "latin-1"])
def test_text_in_bom_utf16_and_legacy_encodings_gets_a_correct_brief(runner, step_endpoint, encoding: str) -> None:
    Path("doc.txt").write_bytes(FRENCH.encode(encoding))
    stub = step_endpoint
    result = runner.invoke(main, ["brief", "doc.txt"])
    assert result.exit_code == 0, result.output
    sent = stub.bodies[0]["messages"][1]["content"]
    assert "[1] Le conseil s'est réuni à Genève le 3 mars 2024." in sent
    markdown = Path("outputs/doc.md").read_text(encoding="utf-8")
    assert read_front_matter(markdown)["source_language"] == "fr"


@pytest.mark.parametrize("name", ["with spaces.txt", "accentué é.txt", "-leading-dash.txt"])
def test_awkward_file_names_work(runner, step_endpoint, name: str) -> None:
    Path(name).write_text(FRENCH, encoding="utf-8")
    result = runner.invoke(main, ["brief", "--", name])
    assert result.exit_code == 0, result.output
    assert Path("outputs", Path(name).stem + ".md").is_file()


def test_a_large_file_is_chunked(runner, step_endpoint) -> None:
    Path("large.txt").write_text((FRENCH + "\n\n") * 3000, encoding="utf-8")  # ~300 kB
    stub = step_endpoint
    result = runner.invoke(main, ["brief", "large.txt"])
    assert result.exit_code == 0, result.output
    front = read_front_matter(Path("outputs/large.md").read_text(encoding="utf-8"))
    assert front["chunks"] > 10 and front["paragraphs"] == 6000
    assert stub.tasks().count("translation") == front["chunks"]


def test_a_file_over_the_limit_is_refused_with_the_limit_named(runner, monkeypatch: pytest.MonkeyPatch) -> None:
    Path("huge.txt").write_bytes(b"m" * 5_000_001)  # one byte over: rounded MB figures would say "5.0 over 5.0"
    result = runner.invoke(main, ["brief", "huge.txt"])
    assert result.exit_code == 2
    assert "5,000,001 bytes is over the 5,000,000-byte limit; raise it with SUMMARISE_MAX_BYTES" in result.output
    monkeypatch.setenv("SUMMARISE_MAX_BYTES", "100")
    assert "5,000,001 bytes is over the 100-byte limit" in runner.invoke(main, ["brief", "huge.txt"]).output


def test_the_limit_holds_for_files_that_do_not_know_their_size(runner, step_endpoint, monkeypatch) -> None:
    import os
    import threading

    stub = step_endpoint  # were the limit ignored, the calls would go here, never to the engine
    monkeypatch.setenv("SUMMARISE_MAX_BYTES", "1000")
    os.mkfifo("pipe.txt")  # like <(command) or a file under /proc: its size says 0

    def feed() -> None:
        try:
            with open("pipe.txt", "wb") as pipe:
                pipe.write(b"mot " * 2000)
        except BrokenPipeError:  # the reader stopped at the limit, as it should
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    result = runner.invoke(main, ["brief", "pipe.txt"])
    writer.join(5)
    assert result.exit_code == 2
    assert "pipe.txt: more than 1,000 bytes is over the 1,000-byte limit" in result.output
    assert not stub.requests


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Path("emoji.txt").write_text("🎉🎉 👍 🚀!!! ✨", encoding="utf-8"), "no words to summarise"),
        (lambda: Path("loop.txt").symlink_to("loop.txt"), "a loop of symbolic links"),
        (lambda: Path("dangling.txt").symlink_to("gone.txt"), "a symbolic link to gone.txt, which does not exist"),
    ],
)
def test_each_unreadable_input_is_named_for_what_it_is(runner, step_endpoint, make, message: str) -> None:
    make()
    name = next(path.name for path in Path(".").iterdir() if path.suffix == ".txt")
    result = runner.invoke(main, ["brief", name])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert message in result.output
    assert "page navigation" not in result.output and "no such file" not in result.output


@pytest.mark.parametrize("relative", ["../escape", "../../etc/passwd", "/etc/passwd", "a/../../b"])
def test_output_paths_stay_inside_the_output_folder(tmp_path: Path, relative: str) -> None:
    with pytest.raises(InputError, match="outside"):
        safe_output_path(tmp_path / "outputs", Path(relative))
    assert safe_output_path(tmp_path / "outputs", Path("sub/x.txt")) == (tmp_path / "outputs/sub/x.md").resolve()


def test_a_link_out_of_the_input_folder_is_not_followed(runner, step_endpoint, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("Le mot de passe est hunter2, gardez-le secret.", encoding="utf-8")
    Path("in").mkdir()
    Path("in/good.txt").write_text(FRENCH, encoding="utf-8")
    Path("in/link.txt").symlink_to(tmp_path / "secret.txt")
    stub = step_endpoint
    result = runner.invoke(main, ["batch", "in", "-o", "out"])
    assert result.exit_code == 1
    assert "link.txt: a link to a file outside the input folder; not followed" in result.output
    assert Path("out/good.md").is_file() and not Path("out/link.md").exists()
    assert not any("hunter2" in str(body) for body in stub.bodies)


def test_briefs_get_ordinary_file_permissions(tmp_path: Path) -> None:
    import os
    import stat

    from summarise.brief.files import atomic_write

    atomic_write(tmp_path / "b.md", "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "b.md").stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["b.md"]  # no temp file left
