"""The split-write drill of ``aios bench safety`` (``aios.safety.splits``): refunds split to stay
under the four-eyes line are all stopped for approval, and none adds up past it unapproved."""

from __future__ import annotations

import pytest

from aios.demo import scratch_demo
from aios.safety.splits import ATTEMPTS, split_drill

pytestmark = pytest.mark.slow


def test_no_split_refund_gets_past_four_eyes(demo_settings, embedder):
    with scratch_demo(demo_settings) as demo:
        figures = split_drill(demo, embedder)
    assert figures.attempts == len(ATTEMPTS)
    assert figures.stopped_for_approval == figures.attempts
    assert figures.over_threshold_unapproved == 0
