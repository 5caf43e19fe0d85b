"""aios as a Model Context Protocol server (``aios mcp``): the connectors' operations as MCP
tools for any AI assistant, under the rules a chat turn is under.

The caller is a directory user (``--user`` over stdio, an API key over Streamable HTTP); every
call goes through the direct-call path (``aios.direct``): the policy decides, CONFIRM asks the
person (MCP elicitation, or a confirmation id answered by a second call or in aios itself: its
terminal, web chat or HTTP API), APPROVE files a four-eyes request (the session is told of its
decision), DENY is refused in plain words; results are masked for the user's role, and every
call is on the audit trail with the client that made it.

    catalog.py        the tools, derived from the operations' declarations
    confirmations.py  calls held for confirmation, in the state database, answered once
    pending.py        the person's answer on a held call, from any channel, carried out once
    calls.py          one tool call, governed: the policy's decision turned into a reply
    notices.py        an open session told when a request it filed is decided
    documents.py      the knowledge base as a search tool and as resources, masked by role
    server.py         the MCP server: who calls, elicitation, results
    http.py           Streamable HTTP behind the API keys
"""
