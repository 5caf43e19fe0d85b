"""Posting to Slack through the Web API, within its limits: a message holds at most 50 blocks,
so a longer one goes out as several; rate limits are honoured by the client's retry handler."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from aios.slack.blocks import Block
from aios.slack.text import BLOCK_LIMIT

RATE_LIMIT_RETRIES = 3
"""How often one call waits out a 429 (for its Retry-After) before it gives up."""


def web_client(token: str, base_url: str) -> WebClient:
    client = WebClient(token=token, base_url=base_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


class Poster:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, channel: str, thread_ts: str | None, blocks: list[Block], text: str) -> str:
        """Post ``blocks`` in the thread (or the channel); returns the first message's ts."""
        first: str | None = None
        for start in range(0, max(len(blocks), 1), BLOCK_LIMIT):
            sent = self.client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                blocks=blocks[start : start + BLOCK_LIMIT],
                text=text,
                unfurl_links=False,
                unfurl_media=False,
            )
            first = first or str(sent["ts"])
        assert first is not None
        return first

    def update(self, channel: str, ts: str, blocks: list[Block], text: str) -> None:
        """Redraw a message in place (a plan's steps, an answered question); one message's
        worth of blocks, so what is redrawn must fit one."""
        self.client.chat_update(channel=channel, ts=ts, blocks=blocks[:BLOCK_LIMIT], text=text)

    def ephemeral(self, channel: str, user: str, thread_ts: str | None, text: str) -> None:
        """Something only ``user`` sees (a refusal); ``text`` is escaped already."""
        self.client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=text)

    def permalink(self, channel: str, ts: str) -> str | None:
        found = self.client.chat_getPermalink(channel=channel, message_ts=ts)
        link = found.get("permalink")
        return str(link) if link else None
