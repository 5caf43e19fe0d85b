"""The HTTP API (``/v1``): the same assistant, for intranets and their services."""
