"""aios: an operator assistant that gets real work done across business systems, safely."""

__version__ = "0.1.0"
