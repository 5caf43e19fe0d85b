"""The company's documents over MCP: a search tool and a resource per document, masked for
the caller's role (an agent sees no contact details in them; a manager does)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from pydantic import AnyUrl

from aios.knowledge.service import KnowledgeBase
from tests.mcp.conftest import data, over_http, received

pytestmark = pytest.mark.slow  # the embedding model

DESK = (
    "---\ntitle: Escalation contacts\n---\n\n# Who to call about a late delivery\n\n"
    "For a late delivery call the logistics desk on (207) 555-0142 or write to "
    "desk@meridian.example; they answer within one hour.\n"
)
URI = "aios://knowledge/escalations.md"


def test_documents_are_searched_and_read_as_the_role_may(
    mcp_server, keys, demo_settings, embedder, tmp_path
):
    documents = tmp_path / "knowledge"
    documents.mkdir()
    (documents / "escalations.md").write_text(DESK)
    base = KnowledgeBase.open(demo_settings.data_dir, embedder)
    base.index.ingest([], documents)

    async def read(token: str) -> tuple[Any, ...]:
        async with over_http(url, token) as client:
            found = await client.call_tool(
                "aios.search_documents", {"question": "how do we reach the logistics desk?"}
            )
            bad = await client.call_tool("aios.search_documents", {"question": ""})
            listed = await client.list_resources()
            doc = await client.read_resource(AnyUrl(URI))
            return found, bad, listed, doc

    try:
        with mcp_server(lambda: base.retriever) as url:
            agent = anyio.run(read, keys("alice"))
            manager = anyio.run(read, keys("erin"))
    finally:
        base.close()

    for (found, bad, listed, doc), sees in ((agent, False), (manager, True)):
        [passage] = data(found)["result"]["passages"]
        assert passage["source"] == "escalations.md" and passage["uri"] == URI
        assert ("desk@meridian.example" in passage["text"]) is sees
        assert ("(207) 555-0142" in passage["text"]) is sees
        assert sees or "***-***-0142" in passage["text"]
        assert bad.isError and "question" in data(bad)["message"]
        assert [(str(r.uri), r.title) for r in listed.resources] == [(URI, "Escalation contacts")]
        [content] = doc.contents
        assert "logistics desk" in content.text
        assert ("desk@meridian.example" in content.text) is sees
    assert [c["tool"] for c in received(demo_settings)] == ["aios.search_documents"] * 4
