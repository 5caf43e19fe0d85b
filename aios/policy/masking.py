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
    audit_keeps: list[DataClass] = Field(
        default_factory=list,
        description="Classes the audit trail stores in full; the rest is stored masked.",
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
_IN_TEXT = {
    "email": re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    "phone": re.compile(r"(?<!\w)(?:\+1[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\w)"),
}
"""Personal data that free text (documents, notes) can carry and a pattern can find."""
AUDIT = "audit trail"
"""The pseudo-role of the audit trail: it sees what ``audit_keeps`` names."""


class Masker:
    def __init__(self, policy: MaskingPolicy) -> None:
        self.policy = policy

    def sees(self, role: str, field: str) -> bool:
        kind = self.policy.fields.get(field)
        if kind is None:
            return True
        cleared = self._cleared(role)
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

    def mask_text(self, text: str, role: str) -> str:
        """``text`` with the emails and phone numbers ``role`` may not see masked."""
        cleared = self._cleared(role)
        for kind, pattern in _IN_TEXT.items():
            if kind not in cleared:
                mask = _MASKS[kind]
                # The lambda runs within this iteration, so it sees this iteration's mask.
                text = pattern.sub(lambda found: mask(found.group(0)), text)  # noqa: B023
        return text

    def classes_in(self, args: dict[str, Any]) -> list[str]:
        """The classes of personal data ``args`` carry: by field name, or found in the text."""
        found: set[str] = {
            self.policy.fields[k] for k, v in args.items() if k in self.policy.fields and v
        }
        for value in args.values():
            if isinstance(value, str):
                found |= {kind for kind, pattern in _IN_TEXT.items() if pattern.search(value)}
        return sorted(found)

    def shown(self, data: Any, role: str) -> Any:
        """``data`` (JSON-like) as ``role`` may see it: fields by name, and the emails and
        phone numbers inside any text (a note's body, a case's description)."""
        return self._texts(self.mask(data, role), role)

    def for_audit(self, data: Any) -> Any:
        """``data`` as the audit trail stores it (the data protection policy's rule)."""
        return self.shown(data, AUDIT)

    def _texts(self, data: Any, role: str) -> Any:
        if isinstance(data, str):
            return self.mask_text(data, role)
        if isinstance(data, dict):
            # A field the policy names is decided by name: finance sees a billing email in
            # full although emails in free text are masked for it.
            return {
                key: value
                if key in self.policy.fields and self.sees(role, key)
                else self._texts(value, role)
                for key, value in data.items()
            }
        if isinstance(data, list):
            return [self._texts(item, role) for item in data]
        return data

    def _cleared(self, role: str) -> list[DataClass]:
        if role == AUDIT:
            return list(self.policy.audit_keeps)
        return self.policy.clearance.get(role, [])


def load_masker(path: Path) -> Masker:
    return Masker(load_yaml_model(path, MaskingPolicy))
