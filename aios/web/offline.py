"""Keeping the chat page to its own server, for intranets that reach nothing else."""

from __future__ import annotations

import re

# A <link> or <script> of the page's <head> that loads from another host. Chainlit's page
# links Google Fonts (also switched off by public/theme.json) and KaTeX's stylesheet from a
# CDN; maths rendering is off in .chainlit/config.toml, so neither is needed, and a blocked
# stylesheet would hold up the first paint until the browser gives up on it.
_EXTERNAL = re.compile(
    r"""<link\b[^>]*\bhref=["'](?:https?:)?//[^>]*>"""
    r"""|<script\b[^>]*\bsrc=["'](?:https?:)?//[^>]*>\s*</script>""",
    re.IGNORECASE | re.DOTALL,
)


def strip_external(html: str) -> str:
    """``html`` without the stylesheets, scripts and preconnects it would fetch elsewhere."""
    return _EXTERNAL.sub("", html)
