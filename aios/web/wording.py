"""Chainlit's own words on the chat page that do not fit aios, replaced.

Chainlit ships its page's words as translation files (sign-in form, step titles, footer); aios
lays its own over whichever language the browser gets: users sign in with a user name, not an
e-mail address, and no language model is involved, whatever Chainlit's footer says by default.
"""

from __future__ import annotations

from typing import Any

from aios.users import UserDirectory

WRONG_PASSWORD = "Wrong user name or password."


def demo_hint(directory: UserDirectory, demo_password: str) -> str:
    """Who may sign in with the demo password, and the password, while some still can; "" when
    nobody does (or the password they have is not the one configured here)."""
    names = directory.with_demo_password()
    if not names or directory.check_password(names[0], demo_password) is None:
        return ""
    return f"Demo: sign in as {', '.join(names)} with the password {demo_password}."


def words(hint: str) -> dict[str, Any]:
    """The translation keys aios sets, over Chainlit's; ``hint`` (``demo_hint``) goes under the
    sign-in title."""
    title = f"Sign in to aios. {hint}" if hint else "Sign in to aios"
    return {
        "auth": {
            "login": {
                "title": title,
                "form": {
                    "email": {
                        "label": "User name",
                        "required": "Enter your user name.",
                        "placeholder": "e.g. alice",
                    },
                    "password": {"required": "Enter your password."},
                },
                # Chainlit's page looks its message up by "Unauthorized: credentialssignin",
                # which no translation key matches (the colon splits the key), so it shows the
                # default: the only failure of this form a person can do something about.
                "errors": {"default": WRONG_PASSWORD},
            }
        },
        "chat": {
            # Chainlit titles a step "Used <name>"; aios names its steps as a person reads them
            # ("Plan", "Refunded $45.00 on invoice INV-2038 (credit note CN-4011)").
            "messages": {"status": {"using": "Running:", "used": ""}},
            "watermark": "aios asks before it changes anything: read what you confirm.",
        },
    }


def laid_over(base: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    """``base`` with every key of ``ours`` set, nested dictionaries merged."""
    merged = dict(base)
    for key, value in ours.items():
        below = merged.get(key)
        if isinstance(value, dict) and isinstance(below, dict):
            merged[key] = laid_over(below, value)
        else:
            merged[key] = value
    return merged
