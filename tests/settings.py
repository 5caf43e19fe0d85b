"""Settings for a test's own data directory, reading the skills, policies and documents of
this checkout (wherever pytest runs from)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aios.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def checkout_settings(data_dir: Path, **fields: Any) -> Settings:
    return Settings(
        data_dir=data_dir,
        skills_dir=REPO / "skills",
        policy_file=REPO / "policies" / "actions.yaml",
        masking_file=REPO / "policies" / "masking.yaml",
        knowledge_dir=REPO / "knowledge",
        **fields,
    )
