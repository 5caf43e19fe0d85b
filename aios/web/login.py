"""Demo sign-in: any demo operator's username, with the one shared demo password."""

from __future__ import annotations

import hmac
from collections.abc import Callable

from aios.identity import User

DEFAULT_PASSWORD = "demo"
"""Used when ``AIOS_DEMO_PASSWORD`` is unset; fine on a laptop, to be set anywhere shared."""


def check(
    username: str, password: str, find: Callable[[str], User | None], expected: str
) -> User | None:
    """The user ``find`` knows as ``username`` when ``password`` is the demo password, else None.

    Chainlit's sign-in form asks for an e-mail address: ``alice@anything`` is read as alice.
    """
    user = find(username.strip().lower().split("@")[0])
    if user is None or not hmac.compare_digest(password.encode(), expected.encode()):
        return None
    return user
