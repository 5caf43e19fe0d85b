"""Who may use aios: users with roles, and the API keys that stand for them."""

from aios.users.directory import UnknownRole, UserDirectory, open_directory

__all__ = ["UnknownRole", "UserDirectory", "open_directory"]
