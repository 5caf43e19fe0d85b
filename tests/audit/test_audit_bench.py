"""The benchmark a later ``aios bench audit`` prints runs and reports every figure."""

from __future__ import annotations

from pathlib import Path

from aios.audit.bench import bench_audit


def test_bench_audit_reports_rates(tmp_path: Path) -> None:
    figures = bench_audit(rows=2_000, appends=20, threads=4, directory=tmp_path)

    assert figures["verify_rows"] == 2_000
    assert figures["append_per_s"] > 0
    assert figures["append_per_s_threaded"] > 0
    assert figures["verify_rows_per_s"] > 0
    assert list(tmp_path.iterdir()) == []  # its files are gone
