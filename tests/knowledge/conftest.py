"""Knowledge fixtures. The embedding model itself is the suite-wide session fixture
``embedder`` (tests/conftest.py), loaded once per test run and shared with every test here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aios.knowledge.embedder import Embedder
from aios.knowledge.service import KnowledgeBase
from tests.knowledge.corpus import write_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "knowledge")


@pytest.fixture
def base(tmp_path: Path, embedder: Embedder) -> Iterator[KnowledgeBase]:
    """A knowledge base on a fresh data directory (nothing ingested yet)."""
    knowledge = KnowledgeBase.open(tmp_path / "data", embedder)
    yield knowledge
    knowledge.close()


@pytest.fixture(scope="module")
def ingested(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[KnowledgeBase]:
    """The small corpus, ingested once per module; tests must not change it."""
    root = tmp_path_factory.mktemp("kb")
    knowledge_dir = write_corpus(root / "knowledge")
    knowledge = KnowledgeBase.open(root / "data", embedder)
    knowledge.index.ingest([], knowledge_dir)
    yield knowledge
    knowledge.close()
