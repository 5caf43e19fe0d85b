"""Builds the assistant a process serves, from one Settings object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from langchain_core.language_models import BaseChatModel

from aios.approvals import ApprovalLedger, open_ledger
from aios.assistant.checkpointer import open_checkpointer
from aios.assistant.locks import open_locks
from aios.assistant.service import Assistant
from aios.audit import open_trail
from aios.graph._common import GraphDeps
from aios.graph.build import build_graph
from aios.knowledge.answer import Answerer
from aios.knowledge.embedder import Embedder, load_embedder
from aios.knowledge.index import KnowledgeIndex
from aios.knowledge.retriever import Retriever
from aios.learning.review import Reviews
from aios.learning.store import LearningStore, open_learning
from aios.planner.chat_models import load_chat_model
from aios.planner.embedded import EmbeddedPlanner
from aios.planner.intents import IntentClassifier
from aios.planner.llm import LLMPlanner, Prices
from aios.planner.protocol import Planner
from aios.planner.routing import RoutingPlanner
from aios.planner.skills import Skill, load_skills
from aios.policy import PolicyEngine, load_policy
from aios.policy.masking import Masker, load_masker
from aios.settings import Settings
from aios.toolbox import Toolbox
from aios.users import UserDirectory, open_directory
from aios.wiring import open_connectors
from connectors.operation import Kind
from connectors.registry import Registry


@dataclass
class Runtime:
    """Everything a front end needs, built once per process."""

    settings: Settings
    assistant: Assistant
    toolbox: Toolbox
    embedder: Embedder
    ledger: ApprovalLedger
    users: UserDirectory
    knowledge: Answerer
    policy: PolicyEngine
    masker: Masker
    learning: LearningStore
    reviews: Reviews
    planner: Planner


def build_runtime(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    knowledge: Answerer | None = None,
    chat_model: BaseChatModel | None = None,
) -> Runtime:
    """``chat_model`` overrides the one ``AIOS_PLANNER=llm`` or ``auto`` would load (tests pass a
    fake; under ``auto`` it counts as a configured LLM)."""
    data_dir = settings.ensure_data_dir()
    embedder = embedder or load_embedder(settings)
    connectors = open_connectors(settings)
    policy = load_policy(settings.policy_file)
    masker = load_masker(settings.masking_file)
    toolbox = Toolbox(connectors, open_trail(settings), masker, policy.version)
    skills = load_skills(settings.skills_dir, connectors.registry)
    known = [(s.name, e) for s in skills for e in s.examples]
    learning = open_learning(settings, known, background=True, vocabulary=embedder.vocabulary())
    planner = choose_planner(
        settings,
        connectors.registry,
        masker,
        chat_model,
        partial(embedded_planner, settings, skills, embedder, learning, connectors.registry),
    )
    if knowledge is None:
        index = KnowledgeIndex(data_dir, embedder, chroma_url=settings.chroma_url)
        knowledge = Answerer(Retriever(index, embedder))
    ledger = open_ledger(settings, policy, toolbox.trail)
    deps = GraphDeps(planner, toolbox, policy, ledger, knowledge, masker)
    graph = build_graph(deps, open_checkpointer(settings))
    users = open_directory(settings, policy.policy.roles)
    assistant = Assistant(graph, ledger, masker, learning, locks=open_locks(settings))
    reviews = Reviews(learning, policy, toolbox.trail, skills)
    return Runtime(
        settings,
        assistant,
        toolbox,
        embedder,
        ledger,
        users,
        knowledge,
        policy,
        masker,
        learning,
        reviews,
        planner,
    )


def embedded_planner(
    settings: Settings,
    skills: list[Skill],
    embedder: Embedder,
    learning: LearningStore,
    registry: Registry,
) -> EmbeddedPlanner:
    return EmbeddedPlanner(
        skills,
        IntentClassifier(embedder, skills, learning, cache=settings.ensure_data_dir() / "models"),
        threshold=settings.planner_threshold,
        write_tools=frozenset(op.tool_name for op in registry if op.kind is Kind.WRITE),
        known_words=embedder.vocabulary(),
    )


def choose_planner(
    settings: Settings,
    registry: Registry,
    masker: Masker,
    chat_model: BaseChatModel | None,
    embedded: Callable[[], EmbeddedPlanner],
) -> Planner:
    """The planner ``settings.planner`` names; ``auto`` without a model is ``embedded``."""
    if settings.planner == "embedded" or (
        settings.planner == "auto" and chat_model is None and not settings.llm_configured
    ):
        return embedded()
    llm = LLMPlanner(
        chat_model or load_chat_model(settings),
        registry,
        masker,
        max_rounds=settings.llm_max_rounds,
        prices=Prices(settings.llm_cost_per_mtok_in, settings.llm_cost_per_mtok_out),
    )
    if settings.planner == "llm":
        return llm
    return RoutingPlanner(embedded(), llm, threshold=settings.planner_threshold)
