"""``aios bench safety``'s drills over the real API (issue 24, points 9 and 10): personal data
in a note's body per role and path, and idempotent requests whose process died; no harm."""

from __future__ import annotations

import pytest

from aios.safety.api_drills import free_text_pii_drill, idempotency_crash_drill

pytestmark = pytest.mark.slow


def test_free_text_pii_reaches_only_cleared_roles_on_every_path(demo_settings, embedder):
    figures = free_text_pii_drill(demo_settings, embedder)
    assert figures.cells == 6 * 3 * 2  # the demo's six roles x JSON, SSE, transcript x 2 kinds
    assert figures.leaks == 0
    assert figures.hidden_from_cleared == 0


def test_idempotent_requests_survive_their_process_dying(demo_settings, embedder):
    figures = idempotency_crash_drill(demo_settings, embedder)
    assert figures.crashes == 4
    assert (figures.stuck, figures.turns_run_twice, figures.answers_changed) == (0, 0, 0)
