"""The web chat's helpers: pure pieces the Chainlit entry point (``app.py``) wires together.

Nothing here imports Chainlit, so all of it is unit-tested without a browser or a server.
"""
