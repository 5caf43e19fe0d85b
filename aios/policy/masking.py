"""Masking personal data by role: one component, used wherever data reaches a person."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from aios.config_files import load_yaml_model

DataClass = Literal["email", "phone", "address", "billing_email"]


class MaskingPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    fields: dict[str, Literal["email", "phone", "address"]] = Field(
        description="Field name -> the class of personal data it holds."
    )
    clearance: dict[str, list[DataClass]] = Field(
        description="Role -> classes it sees in full. billing_email: only billing emails."
    )


def _mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def _mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return f"***-***-{digits[-4:]}" if len(digits) >= 4 else "***"


def _mask_address(value: str) -> str:
    # City and state stay: enough to route a delivery question, not to find a door.
    parts = [p.strip() for p in value.split(",")]
    return ", ".join(["***", *parts[-2:]]) if len(parts) >= 3 else "***"


_MASKS = {"email": _mask_email, "phone": _mask_phone, "address": _mask_address}


class Masker:
    def __init__(self, policy: MaskingPolicy) -> None:
        self.policy = policy

    def sees(self, role: str, field: str) -> bool:
        kind = self.policy.fields.get(field)
        if kind is None:
            return True
        cleared = self.policy.clearance.get(role, [])
        return kind in cleared or (field == "billing_email" and "billing_email" in cleared)

    def mask(self, data: Any, role: str) -> Any:
        """A copy of ``data`` (JSON-like) with the fields ``role`` may not see masked."""
        if isinstance(data, dict):
            return {
                key: _MASKS[self.policy.fields[key]](value)
                if isinstance(value, str) and value and not self.sees(role, key)
                else self.mask(value, role)
                for key, value in data.items()
            }
        if isinstance(data, list):
            return [self.mask(item, role) for item in data]
        return data


def load_masker(path: Path) -> Masker:
    return Masker(load_yaml_model(path, MaskingPolicy))
