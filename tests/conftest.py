"""Shared fixtures: isolated config and cache, no network, and recorded HTTP (vcrpy).

Cassettes are recorded from a real server, the embedded llama.cpp engine, never
written by hand. CI replays them with recording off. Re-record every cassette with:

    rm -r tests/cassettes/* && SUMMARISE_RECORD=1 pytest -m "not live"

(vcrpy's "all" mode keeps a cassette's old exchanges beside the new ones, so remove first.)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr
from click.testing import CliRunner
from step_endpoint import URL as STEP_URL
from step_endpoint import StepEndpoint
from stub_server import FaultInjectionStub, Reply

RECORDING = os.environ.get("SUMMARISE_RECORD") == "1"
CASSETTES = Path(__file__).parent / "cassettes"
ROOT = Path(__file__).parent.parent
INPUTS = ROOT / "inputs"
# The model the cassettes were recorded with; requests must match them byte for byte.
RECORDED_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"
RECORDED_CONTEXT = "8192"
# Replays never reach this address: vcrpy answers first, and matching ignores host and port.
REPLAY_BASE_URL = "http://127.0.0.1:9/v1"
SECRET_HEADERS = ["authorization", "api-key", "x-api-key", "cookie", "openai-organization", "openai-project"]


def _scrub_response(response: dict) -> dict:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in {*SECRET_HEADERS, "set-cookie"}:
            del headers[name]
    return response


recorder = vcr.VCR(
    cassette_library_dir=str(CASSETTES),
    record_mode="all" if RECORDING else "none",
    match_on=["method", "path", "body"],  # not host/port: the engine's port is random
    filter_headers=SECRET_HEADERS,
    before_record_response=_scrub_response,
    decode_compressed_response=True,
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own cache and no endpoint settings from the developer's shell."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "SUMMARISE_")) and name != "SUMMARISE_RECORD":
            monkeypatch.delenv(name)
    monkeypatch.setenv("SUMMARISE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SUMMARISE_MAX_RETRIES", "0")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only loopback is reachable from a test: no test may touch the internet."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and self.family != socket.AF_UNIX:
            raise ConnectionRefusedError(f"tests may not reach the network ({host})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def engine_url() -> str:
    """The embedded engine when recording, a dead address when replaying."""
    if not RECORDING:
        return REPLAY_BASE_URL
    from summarise.cli import settings_from_env
    from summarise.model.endpoint import resolve_endpoint

    os.environ.setdefault("SUMMARISE_CONTEXT", RECORDED_CONTEXT)
    return resolve_endpoint(settings_from_env()).base_url().rstrip("/")


@pytest.fixture
def endpoint(engine_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point summarise at the recorded endpoint exactly as the cassettes expect."""
    monkeypatch.setenv("OPENAI_BASE_URL", engine_url)
    monkeypatch.setenv("SUMMARISE_MODEL", RECORDED_MODEL)
    monkeypatch.setenv("SUMMARISE_CONTEXT", RECORDED_CONTEXT)
    return engine_url


@pytest.fixture
def cassette(request: pytest.FixtureRequest, endpoint: str) -> Iterator[vcr.cassette.Cassette]:
    """tests/cassettes/<module>/<test>.yaml, replayed (or recorded with SUMMARISE_RECORD=1).

    A test whose exchanges are another's, request for request, names that one's cassette
    with @pytest.mark.cassette("<module>/<test>") instead of keeping a copy.
    """
    module = request.node.module.__name__.rsplit(".", 1)[-1]
    shared = request.node.get_closest_marker("cassette")
    path = f"{shared.args[0]}.yaml" if shared else f"{module}/{request.node.name}.yaml"
    # A borrowed cassette is only replayed, recording or not: re-recorded by each borrower, it
    # would end up holding the last borrower's exchanges, not its owner's (owners run first:
    # a borrower's module sorts after its owner's, or lies below it in the same module).
    mode = "none" if shared else recorder.record_mode
    with recorder.use_cassette(path, allow_playback_repeats=False, record_mode=mode) as recorded:
        yield recorded


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def seed(name: str) -> Path:
    return INPUTS / name


SHORT_SEED = "marrakech-coalition-meeting-2022.txt"
LONG_SEED = "coalition-meeting-morocco-2018.txt"


@pytest.fixture
def step_endpoint(monkeypatch: pytest.MonkeyPatch) -> StepEndpoint:
    """Point summarise at a StepEndpoint: each request answered by its step (tests/step_endpoint.py)."""
    from summarise.model.llm import LLM

    endpoint = StepEndpoint()
    endpoint.install(LLM, monkeypatch)
    monkeypatch.setenv("OPENAI_BASE_URL", STEP_URL)
    monkeypatch.setenv("SUMMARISE_MODEL", "stub-model")
    monkeypatch.setenv("SUMMARISE_MAX_RETRIES", "0")
    return endpoint


@pytest.fixture
def fault_stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., FaultInjectionStub]]:
    """Start a FaultInjectionStub (transport faults, scripted answers) and point summarise at it."""
    stacks: list[Any] = []

    def start(replies: list[Reply] | None = None, *, retries: int = 0, latency: float = 0.0) -> FaultInjectionStub:
        stub = FaultInjectionStub(replies, latency)
        running = stub.running()
        running.__enter__()
        stacks.append(running)
        monkeypatch.setenv("OPENAI_BASE_URL", stub.url)
        monkeypatch.setenv("SUMMARISE_MODEL", "stub-model")
        monkeypatch.setenv("SUMMARISE_MAX_RETRIES", str(retries))
        return stub

    yield start
    for running in stacks:
        running.__exit__(None, None, None)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder the kernel refuses writes to, as a user would meet it: mode 0555 for a normal
    user; root ignores modes, so for root a read-only tmpfs is mounted there (skipped where
    mounting is not allowed)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot make a read-only folder as root here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


# --- the browser tests (test_browser.py, test_review_desk.py): one Chromium for the session ---

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# What the probe of this machine found Chromium needs as root, offline: no sandbox, and no
# background connections (the network is closed; they would only fail and slow it down).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Shared by every module that drives Chromium: Playwright's sync API allows one at a time."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
