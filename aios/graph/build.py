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
    nodes, gate = Nodes(deps), Gate(deps)
    graph = StateGraph(TurnState, context_schema=TurnContext)
    graph.add_node("understand", nodes.understand, destinations=("guard", "answer", END))
    graph.add_node("answer", nodes.answer)
    graph.add_node("guard", gate.guard, destinations=("act", "await_decision", "respond"))
    graph.add_node(
        "await_decision", gate.await_decision, destinations=("act", "respond", "understand")
    )
    graph.add_node("act", nodes.act, destinations=("guard", "respond"))
    graph.add_node("respond", nodes.respond)
    graph.add_edge(START, "understand")
    graph.add_edge("answer", END)
    graph.add_edge("respond", END)
    return graph.compile(checkpointer=checkpointer)
