"""The assistant's LangGraph state graph."""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from aios.graph._common import GraphDeps
from aios.graph.gate import Gate
from aios.graph.nodes import Nodes
from aios.graph.state import TurnContext, TurnState


def build_graph(
    deps: GraphDeps, checkpointer: BaseCheckpointSaver[Any]
) -> CompiledStateGraph[TurnState, TurnContext, TurnState, TurnState]:
    gate = Gate(deps)
    nodes = Nodes(deps, gate)
    graph = StateGraph(TurnState, context_schema=TurnContext)
    graph.add_node(
        "understand",
        nodes.understand,
        destinations=("guard", "act", "await_decision", "answer", END),
    )
    graph.add_node("answer", nodes.answer)
    graph.add_node("guard", gate.guard, destinations=("act", "await_decision", END))
    graph.add_node("await_decision", gate.await_decision, destinations=("act", END, "understand"))
    graph.add_node("act", nodes.act, destinations=("guard", END))
    graph.add_edge(START, "understand")
    graph.add_edge("answer", END)
    return graph.compile(checkpointer=checkpointer)
