"""How the connector operations, and the company's documents, are offered to a chat model.

The schema a model sees is derived from each operation's input schema, cut down to what a
model needs to fill it in and what local OpenAI-compatible servers accept: llama.cpp turns a
tool schema into a sampling grammar, one nested rule per allowed character, and its server
dies on a ``maxLength`` of 2,000 (notes allow 5,000 characters; 1,000 still worked). So long
limits are cut to ``MAX_LENGTH``, which also bounds a small model that would write a string
forever; other constraints (minimum lengths, patterns, formats, bounds) are left out. Nothing
is lost by cutting them: every step a model proposes is checked against the full schema before
policy is even asked.
"""

from __future__ import annotations

from typing import Any

from connectors.operation import Operation
from connectors.registry import Registry

KNOWLEDGE_TOOL = "search_documents"
"""Not an operation: calling it hands the question to the knowledge base's cited answer."""

MAX_LENGTH = 500
"""The longest string a model is offered to write into one field."""
_CHECKED_LATER = frozenset(
    {"minLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
     "exclusiveMaximum", "title", "default"}
)  # fmt: skip
_NAMED = frozenset({"properties", "$defs"})
_SET_BY_AIOS = "x-set-by"
"""Fields aios fills in itself (who acts); a model is not asked for them."""


def tool_name(op: Operation[Any, Any]) -> str:
    """Function names may not contain dots: crm.find_accounts is offered as crm__find_accounts."""
    return op.tool_name.replace(".", "__")


def tool_cards(registry: Registry) -> list[dict[str, Any]]:
    """Every operation as an OpenAI-style function tool, and the documents' search."""
    cards = [
        _card(tool_name(op), op.description, offered_schema(op.input_schema())) for op in registry
    ]
    question = {
        "type": "object",
        "properties": {
            "question": {"type": "string", "description": "The question, in the operator's words."}
        },
        "required": ["question"],
    }
    documents = (
        "Answer a question about the company's policies, processes, products or terms from its "
        "own documents, with citations. Use it for every such question; never answer one from "
        "memory."
    )
    return [*cards, _card(KNOWLEDGE_TOOL, documents, question)]


def offered_schema(schema: Any) -> Any:
    """``schema`` without the constraints checked later and the fields aios sets itself, its
    length limits at most ``MAX_LENGTH``."""
    if isinstance(schema, list):
        return [offered_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kept: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _NAMED and isinstance(value, dict):
            # Names of fields or definitions, not keywords: keep them, cut inside each.
            kept[key] = {
                name: offered_schema(field)
                for name, field in value.items()
                if not (isinstance(field, dict) and _SET_BY_AIOS in field)
            }
        elif key == "maxLength" and isinstance(value, int):
            kept[key] = min(value, MAX_LENGTH)
        elif key not in _CHECKED_LATER:
            kept[key] = offered_schema(value)
    if "required" in kept and "properties" in kept:
        kept["required"] = [name for name in kept["required"] if name in kept["properties"]]
    return kept


def _card(name: str, description: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": parameters},
    }
