"""One backend's figures, measured in a process of its own: ``python -m aios.knowledge._embed_probe
IN.json OUT.npy``. The backend comes from ``AIOS_EMBEDDER``.

A process of its own, because what is measured is what a process pays: the imports and the model
load, and the memory they leave behind (torch's would be counted against onnxruntime in a shared
one). It imports nothing before the clock starts but the standard library; it prints its figures
as JSON and saves the corpus' vectors to ``OUT.npy`` for the parent to compare.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

WARM_UP = 3


def rss_mib() -> float:
    """The process's resident memory now (not its peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main(given: Path, out: Path) -> dict[str, object]:
    spec = json.loads(given.read_text())
    started = time.perf_counter()
    from aios.knowledge.embedder import load_embedder

    embedder = load_embedder()
    loaded_s = time.perf_counter() - started
    loaded_rss = rss_mib()
    queries: list[str] = spec["queries"]
    for text in queries[:WARM_UP]:
        embedder.encode_one(text)
    query_s = []
    for text in queries:
        began = time.perf_counter()
        embedder.encode_one(text)
        query_s.append(time.perf_counter() - began)
    corpus: list[str] = spec["corpus"]
    batch_s = []
    for _ in range(spec["rounds"]):
        began = time.perf_counter()
        vectors = embedder.encode(corpus)
        batch_s.append(time.perf_counter() - began)
    import numpy as np

    np.save(out, vectors)
    return {
        "load_s": round(loaded_s, 2),
        "rss_loaded_mib": round(loaded_rss, 1),
        "rss_after_mib": round(rss_mib(), 1),
        "query_p50_ms": round(statistics.median(query_s) * 1000, 2),
        "corpus_texts_per_s": round(len(corpus) / statistics.median(batch_s), 1),
        "torch_imported": "torch" in sys.modules,
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
