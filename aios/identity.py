"""Who is acting. Every channel maps its caller to a User before anything runs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from connectors.demo.company import OPERATORS


class User(BaseModel):
    name: str = Field(min_length=1, description="Username, e.g. alice.")
    role: str = Field(min_length=1, description="A role of the policy file, e.g. agent.")
    display_name: str = ""


def demo_users() -> dict[str, User]:
    """The demo company's operators, until users live in the database."""
    return {
        op.username: User(name=op.username, role=op.role, display_name=op.display_name)
        for op in OPERATORS
    }
