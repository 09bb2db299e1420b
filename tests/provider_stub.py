"""BatchAPIStandIn: a stand-in for a provider's Batch API (/v1/files, /v1/batches) on 127.0.0.1.

Not a model and not the provider: it stores uploaded files, keeps batch objects the way
the OpenAI Batch API describes them, and answers each request line from answers
recorded from the embedded engine (the tests' cassettes), so a batch gives the same
answers a direct run gets. Faults a real provider produces are scripted per job:
failed lines, an expired job, a job held in progress (to kill the client mid-poll),
a result line for a request nobody made.
"""

from __future__ import annotations

import email.parser
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml


def canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def recorded_answers(*cassettes: Path) -> dict[str, dict[str, Any]]:
    """Request body -> the chat completion the engine answered, from vcrpy cassettes."""
    answers: dict[str, dict[str, Any]] = {}
    for path in cassettes:
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            request = json.loads(interaction["request"]["body"])
            answers[canonical(request)] = json.loads(interaction["response"]["body"]["string"])
    return answers


@dataclass
class Script:
    """How one job goes (jobs take scripts in order; without one, a job simply completes)."""

    fail_lines: int = 0  # the first N lines end in the error file (HTTP 500)
    expire_after: int | None = None  # answer N lines, then the job expires
    hold: bool = False  # stay in_progress until `release` is set
    stranger: bool = False  # add an output line whose custom_id no request had


class BatchAPIStandIn:
    def __init__(
        self,
        answers: dict[str, dict[str, Any]] | Callable[[dict[str, Any]], dict[str, Any]],
        scripts: list[Script] | None = None,
    ) -> None:
        # Recorded answers by request body, or a function of the body (the benchmark's mechanical one).
        self.answer = answers if callable(answers) else lambda body: answers[canonical(body)]
        self.scripts = list(scripts or [])
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.created: list[str] = []  # batch ids, in order of batches.create
        self.lines_run: list[str] = []  # custom_ids, every time a line is executed
        self.release = threading.Event()
        self._scripts: dict[str, Script] = {}
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _send(self, payload: Any, status: int = 200, raw: bytes | None = None) -> None:
                data = raw if raw is not None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json" if raw is None else "application/octet-stream")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with stand_in._lock:
                    if path.startswith("/v1/files/") and path.endswith("/content"):
                        self._send(None, raw=stand_in.files[path.split("/")[3]])
                    elif path == "/v1/batches":
                        data = list(stand_in.batches.values())
                        self._send({"object": "list", "data": data, "has_more": False})
                    elif path.startswith("/v1/batches/"):
                        self._send(stand_in._advance(path.rsplit("/", 1)[1]))
                    else:
                        self._send({"error": {"message": "not found"}}, 404)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with stand_in._lock:
                    if self.path == "/v1/files":
                        self._send(stand_in._upload(self.headers["content-type"], body))
                    elif self.path == "/v1/batches":
                        self._send(stand_in._create(json.loads(body)))
                    else:
                        self._send({"error": {"message": "not found"}}, 404)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    # --- the API -------------------------------------------------------------------------

    def _store(self, data: bytes) -> str:
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = data
        return file_id

    def _upload(self, content_type: str, body: bytes) -> dict[str, Any]:
        message = email.parser.BytesParser().parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        parts = {part.get_param("name", header="content-disposition"): part for part in message.get_payload()}
        assert parts["purpose"].get_payload(decode=True) == b"batch"
        file_id = self._store(parts["file"].get_payload(decode=True))
        return {"id": file_id, "object": "file", "bytes": len(self.files[file_id]), "created_at": 0,
                "filename": "input.jsonl", "purpose": "batch"}  # fmt: skip

    def _create(self, request: dict[str, Any]) -> dict[str, Any]:
        assert request["endpoint"] == "/v1/chat/completions" and request["completion_window"] == "24h"
        batch_id = f"batch_{len(self.batches) + 1}"
        total = len(self.files[request["input_file_id"]].splitlines())
        self.batches[batch_id] = {
            "id": batch_id, "object": "batch", "endpoint": request["endpoint"], "status": "validating",
            "input_file_id": request["input_file_id"], "completion_window": "24h", "created_at": int(time.time()),
            "metadata": request.get("metadata"), "output_file_id": None, "error_file_id": None,
            "request_counts": {"total": total, "completed": 0, "failed": 0},
        }  # fmt: skip
        self._scripts[batch_id] = self.scripts.pop(0) if self.scripts else Script()
        self.created.append(batch_id)
        return self.batches[batch_id]

    def _advance(self, batch_id: str) -> dict[str, Any]:
        """validating -> in_progress (one poll later) -> completed or expired, with its files."""
        batch, script = self.batches[batch_id], self._scripts[batch_id]
        if batch["status"] == "validating" or (
            batch["status"] == "in_progress" and script.hold and not self.release.is_set()
        ):
            batch["status"] = "in_progress"
            return batch
        if batch["status"] != "in_progress":
            return batch
        lines = [json.loads(line) for line in self.files[batch["input_file_id"]].splitlines()]
        run = lines if script.expire_after is None else lines[: script.expire_after]
        output, errors = [], []
        for number, line in enumerate(run):
            self.lines_run.append(line["custom_id"])
            if number < script.fail_lines:
                error = {"message": "stand-in: the provider failed this request", "type": "server_error"}
                errors.append(self._result(line, 500, {"error": error}))
            else:
                output.append(self._result(line, 200, self.answer(line["body"])))
        if script.stranger:
            output.append(self._result({"custom_id": "chat-" + "0" * 64}, 200, output[0]["response"]["body"]))
        batch["status"] = "completed" if script.expire_after is None else "expired"
        batch["request_counts"] |= {"completed": len(output), "failed": len(errors)}
        for key, results in (("output_file_id", output), ("error_file_id", errors)):
            if results:
                batch[key] = self._store("".join(json.dumps(result) + "\n" for result in results).encode())
        return batch

    @staticmethod
    def _result(line: dict[str, Any], status: int, body: dict[str, Any]) -> dict[str, Any]:
        response = {"status_code": status, "request_id": "req-stand-in", "body": body}
        return {"id": "batch_req_stand_in", "custom_id": line["custom_id"], "response": response, "error": None}

    @contextmanager
    def running(self) -> Iterator[BatchAPIStandIn]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release.set()
            self.server.shutdown()
            self.server.server_close()
