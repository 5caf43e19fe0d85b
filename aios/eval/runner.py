"""Running scenarios: each on a fresh copy of the demo company, judged by outcome.

The demo data is seeded once per run into a template folder and copied for every scenario;
the company's documents are indexed once and read by every scenario (answers are checked for
what they say); the embedding model is loaded once and its vectors cached, so a scenario costs
about as much as its turns.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from aios.assistant.events import Event
from aios.assistant.factory import build_runtime
from aios.assistant.service import Assistant
from aios.eval.checks import state_problems, turn_problems, unconfirmed_writes
from aios.eval.scenarios import Scenario, Turn
from aios.identity import demo_users
from aios.knowledge.answer import Answerer
from aios.knowledge.embedder import Embedder, Vectors
from aios.knowledge.index import KnowledgeIndex
from aios.knowledge.retriever import Retriever
from aios.settings import Settings, Transport
from aios.wiring import open_systems
from connectors.demo.seeding import seed

REPO = Path(__file__).resolve().parents[2]
_SYSTEM_FILES = ("crm.db", "erp.db")


@dataclass
class RunResult:
    """One run of a scenario, with one of its first-turn texts."""

    scenario: str
    variant: int  # 0 for the text as written, n for the n-th paraphrase
    text: str
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def label(self) -> str:
        return self.scenario if self.variant == 0 else f"{self.scenario}[{self.variant}]"


class CachingEmbedder(Embedder):
    """An embedder that remembers every text's vector: skills' examples are embedded once."""

    def __init__(self, inner: Embedder) -> None:
        self.__dict__.update(inner.__dict__)
        self._inner = inner
        self._cache: dict[str, Vectors] = {}

    def _encode(self, texts: list[str]) -> Vectors:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vector in zip(missing, self._inner.encode(missing), strict=True):
                self._cache[text] = vector
        return np.stack([self._cache[t] for t in texts])

    def vocabulary(self) -> frozenset[str]:
        return self._inner.vocabulary()


class Runner:
    """Runs scenarios against the real assistant on throwaway copies of the demo data."""

    def __init__(
        self,
        embedder: Embedder,
        *,
        skills_dir: Path = REPO / "skills",
        policy_file: Path = REPO / "policies" / "actions.yaml",
        knowledge_dir: Path | None = REPO / "knowledge",
        demo_seed: int = 42,
    ) -> None:
        self.embedder = (
            embedder if isinstance(embedder, CachingEmbedder) else CachingEmbedder(embedder)
        )
        self.skills_dir = skills_dir
        self.policy_file = policy_file
        self.users = demo_users()
        self._root = Path(tempfile.mkdtemp(prefix="aios-eval-"))
        self._template = self._root / "template"
        self._index_dir = self._root / "index"
        self._seed(demo_seed)
        self._knowledge = self._index(knowledge_dir) if knowledge_dir else None
        self._runs = 0

    def close(self) -> None:
        if self._knowledge is not None:
            self._knowledge.retriever.index.close()
        shutil.rmtree(self._root, ignore_errors=True)

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, scenario: Scenario, variant: int = 0) -> RunResult:
        """Play ``scenario``, its first message replaced by paraphrase ``variant`` if not 0."""
        text = scenario.texts()[variant]
        result = RunResult(scenario.id, variant, text)
        settings = self._fresh_settings()
        runtime = build_runtime(settings, embedder=self.embedder, knowledge=self._knowledge)
        session = f"eval-{scenario.id}-{variant}"
        try:
            for number, turn in enumerate(scenario.turns, 1):
                events = list(self._play(runtime.assistant, session, scenario, turn, text))
                text = ""  # only the first turn's text is replaced by a variant
                for problem in turn_problems(turn.expect, events):
                    result.problems.append(f"turn {number}: {problem}")
            systems = open_systems(settings)
            try:
                result.problems += state_problems(
                    systems, scenario.expect_state, scenario.forbid_state
                )
            finally:
                for system in systems.values():
                    system.engine.dispose()
            result.problems += unconfirmed_writes(runtime.toolbox.trail.records(session))
        finally:
            shutil.rmtree(settings.data_dir, ignore_errors=True)
        return result

    def run_all(
        self, scenarios: Sequence[Scenario], *, variants: bool = False
    ) -> Iterator[RunResult]:
        """Each scenario as written; with ``variants``, also each of its paraphrases."""
        for scenario in scenarios:
            count = len(scenario.texts()) if variants else 1
            for variant in range(count):
                yield self.run(scenario, variant)

    def _play(
        self, assistant: Assistant, session: str, scenario: Scenario, turn: Turn, first: str
    ) -> Iterator[Event]:
        if turn.say is not None:
            yield from assistant.handle(session, self.users[scenario.user], first or turn.say)
            return
        who = self.users[turn.as_ or scenario.user]
        yield from assistant.resume(session, who, "approve" if turn.approve else "reject")

    def _seed(self, demo_seed: int) -> None:
        settings = self._settings(self._template)
        systems = open_systems(settings)
        try:
            seed(systems, seed=demo_seed, today=datetime.now(UTC).date())
        finally:
            for system in systems.values():
                system.engine.dispose()

    def _index(self, knowledge_dir: Path) -> Answerer:
        """The documents, indexed once: scenarios only read them."""
        index = KnowledgeIndex(self._index_dir, self.embedder)
        index.ingest([], knowledge_dir)
        return Answerer(Retriever(index, self.embedder))

    def _fresh_settings(self) -> Settings:
        self._runs += 1
        data_dir = self._root / f"run-{self._runs}"
        data_dir.mkdir()
        for name in _SYSTEM_FILES:
            shutil.copy2(self._template / name, data_dir / name)
        return self._settings(data_dir)

    def _settings(self, data_dir: Path) -> Settings:
        return Settings(
            data_dir=data_dir,
            crm_url=None,
            erp_url=None,
            state_url=None,
            transport=Transport.INPROCESS,
            skills_dir=self.skills_dir,
            policy_file=self.policy_file,
        )
