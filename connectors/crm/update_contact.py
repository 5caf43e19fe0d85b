from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from connectors._lookup import get_or_404
from connectors.crm.models import Contact
from connectors.crm.views import ContactView
from connectors.operation import Kind, Risk, SystemContext, operation

# A deliberately plain check (email-validator is not a dependency): one @, no spaces, a dot in
# the domain. It catches typos and pasted sentences, not every address RFC 5322 rejects.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"[0-9 +\-()]{7,20}")
PHONE_MIN_DIGITS = 7
CHANGEABLE = ("name", "title", "email", "phone")


class UpdateContactInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    contact_id: str = Field(max_length=50, description="The contact to change, e.g. CON-1001.")
    name: str | None = Field(None, min_length=1, max_length=200, description="New full name.")
    title: str | None = Field(
        None, max_length=100, description="New job title; an empty string clears it."
    )
    email: str | None = Field(
        None, max_length=254, description="New email address, e.g. jane.doe@example.com."
    )
    phone: str | None = Field(
        None,
        max_length=20,
        description="New phone number: 7 to 20 characters of digits, spaces, +, - and "
        "parentheses, at least 7 of them digits, e.g. +1 (555) 010-0199.",
    )

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL.fullmatch(value):
            raise ValueError(f"{value!r} is not an email address like jane.doe@example.com")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = sum(ch.isdigit() for ch in value)
        if not PHONE.fullmatch(value) or digits < PHONE_MIN_DIGITS:
            raise ValueError(
                f"{value!r} is not a phone number: use 7 to 20 characters of digits, spaces, "
                "+, - and parentheses, at least 7 of them digits"
            )
        return value

    @model_validator(mode="after")
    def _something_to_change(self) -> UpdateContactInput:
        if all(getattr(self, field) is None for field in CHANGEABLE):
            raise ValueError("give at least one of name, title, email or phone to change")
        return self


def _done(args: UpdateContactInput, contact: ContactView) -> str:
    changed = [field for field in CHANGEABLE if getattr(args, field) is not None]
    return f"Updated the {' and '.join(changed)} of contact {contact.id}"


@operation("crm", Kind.WRITE, Risk.LOW, done=_done)
def update_contact(ctx: SystemContext, args: UpdateContactInput) -> ContactView:
    """Change a contact's name, title, email or phone; fields left out stay as they are.

    At least one field must be given. Refused as invalid input when the email or phone does
    not look like one; not found when the contact does not exist.
    """
    contact = get_or_404(ctx.session, Contact, args.contact_id, "contact")
    for field in CHANGEABLE:
        value = getattr(args, field)
        if value is not None:
            setattr(contact, field, value)
    ctx.session.flush()
    return ContactView.model_validate(contact)
