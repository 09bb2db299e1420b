"""Start the embedded engine once, print its base URL, and serve until stopped.

    python bench/engine.py [--parallel N] [--context N]

Both tools of the peer benchmark talk to this one server. It is summarise's own engine
(`summarise.model.engine.shared_engine`, the bundled model, 127.0.0.1, a random port) with
llama.cpp's /metrics endpoint switched on, so the prompt tokens the server really
evaluated can be read from it (`llamacpp:prompt_tokens_total`), whichever tool sent them.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from summarise.config import DEFAULT_ENGINE_CONTEXT, default_cache_dir
from summarise.model.bundled import BUNDLED_MODEL_NAME, ensure_bundled_model
from summarise.model.engine import EngineConfig, shared_engine, stop_shared_engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parallel", type=int, default=1, help="engine slots (1, as summarise uses by default)")
    parser.add_argument("--context", type=int, default=DEFAULT_ENGINE_CONTEXT, help="context tokens per slot")
    args = parser.parse_args()
    cache = os.environ.get("SUMMARISE_CACHE_DIR")
    model = ensure_bundled_model(Path(cache) if cache else default_cache_dir())
    engine = shared_engine(
        EngineConfig(
            model=model,
            context_per_slot=args.context,
            parallel=args.parallel,
            threads=os.cpu_count() or 2,
            metrics=True,
        )
    )
    print(engine.base_url, BUNDLED_MODEL_NAME, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    stop_shared_engine()
    return 0


if __name__ == "__main__":
    sys.exit(main())
