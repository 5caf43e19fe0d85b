"""Text across the Slack boundary: Slack markup in, inert and escaped mrkdwn out, within
Slack's block limits."""

from __future__ import annotations

from pydantic import SecretStr
from typer.testing import CliRunner

from aios.assistant.events import (
    Citation,
    ErrorEvent,
    MessageEvent,
    PlanEvent,
    PlannedStepView,
)
from aios.cli.main import app
from aios.loopback import serve
from aios.slack import blocks
from aios.slack.post import Poster, web_client
from aios.slack.text import BLOCK_LIMIT, SECTION_LIMIT, chunks, escaped, mrkdwn, plain
from aios.users.slack import SlackLinks
from tests.slack.fake_slack import FakeSlack


def test_what_people_type_reaches_the_assistant_as_plain_words():
    typed = (
        "<@UBOT> note on <#C1|cases>: mail <mailto:jo@example.com|jo@example.com>, "
        "see <https://x.example/a|the doc> &amp; <!here> <!subteam^S1|@ops> &lt;b&gt;"
    )
    assert plain(typed, "UBOT") == (
        "note on #cases: mail jo@example.com, see the doc & @here @ops <b>"
    )


def test_shown_text_can_mention_and_link_nobody():
    hostile = "<!channel> <@U123> <https://evil.example|win> a & b &lt;script>"
    assert escaped(hostile) == (
        "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|win&gt; a &amp; b &lt;script&gt;"
    )
    event = MessageEvent(text="@channel **done**, see [policy](https://intranet.example/p)")
    [section] = blocks.reply(event)
    shown = section["text"]["text"]
    assert "@\u2060channel" in shown and "*done*" in shown
    assert "<https://intranet.example/p|policy>" in shown


def test_sources_are_context_lines_under_the_answer():
    cited = Citation(
        source="policies/refunds.md",
        title="Refund Policy",
        heading="Damaged goods",
        snippet="x" * 900,
    )
    answer, source = blocks.reply(MessageEvent(text="Within 90 days.", citations=[cited]))
    assert answer["type"] == "section" and source["type"] == "context"
    [line] = source["elements"]
    assert line["text"].startswith("*Refund Policy &gt; Damaged goods* — `policies/refunds.md`")
    assert len(line["text"]) < 400  # the passage is clipped, the document named


def test_long_text_is_cut_within_the_section_limit_never_inside_an_escape():
    words = chunks(mrkdwn("word " * 2000))
    assert len(words) == 4 and all(len(p) <= SECTION_LIMIT for p in words)
    entities = chunks(mrkdwn("&" * 4000))
    assert all(len(p) <= SECTION_LIMIT and p.endswith("&amp;") for p in entities)
    assert "".join(entities) == "&amp;" * 4000


def test_a_reply_longer_than_one_message_goes_out_as_several():
    slack = FakeSlack()
    reply = blocks.reply(MessageEvent(text=("paragraph " * 290 + "\n\n") * 120))
    assert len(reply) > BLOCK_LIMIT
    with serve(slack.app) as url:
        Poster(web_client("xoxb-test", f"{url}/api/")).post("C1", "1.2", reply, "long")
    posted = slack.of("chat.postMessage")
    assert [len(c.args["blocks"]) for c in posted] == [50, 50, 20]
    assert all(c.args["thread_ts"] == "1.2" for c in posted)
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for c in posted for b in c.args["blocks"])


def test_linking_a_slack_account_from_the_terminal(demo_settings, runtime):
    runner = CliRunner()
    linked = runner.invoke(app, ["users", "link-slack", "U0JO42", "dave"])
    assert linked.exit_code == 0, linked.output
    assert "acts in aios as dave (finance)" in linked.output
    assert SlackLinks(runtime.users).user("U0JO42").name == "dave"
    assert runner.invoke(app, ["users", "link-slack", "jo", "dave"]).exit_code == 2
    assert runner.invoke(app, ["users", "link-slack", "U0JO42", "nobody"]).exit_code == 2
    runtime.users.deactivate("dave")
    assert SlackLinks(runtime.users).user("U0JO42") is None
    assert runner.invoke(app, ["users", "unlink-slack", "U0JO42"]).exit_code == 0
    assert runner.invoke(app, ["users", "unlink-slack", "U0JO42"]).exit_code == 2


def test_slack_tokens_come_from_the_environment(monkeypatch, demo_settings):
    monkeypatch.setenv("AIOS_SLACK_BOT_TOKEN", "xoxb-from-env")
    monkeypatch.setenv("AIOS_SLACK_SIGNING_SECRET", "shh")
    settings = type(demo_settings)()
    assert settings.slack_bot_token == SecretStr("xoxb-from-env")
    assert "shh" not in repr(settings)


def test_aios_slack_says_which_setting_is_missing(monkeypatch, demo_settings):
    runner = CliRunner()
    missing = runner.invoke(app, ["slack"])
    assert missing.exit_code == 2 and "AIOS_SLACK_BOT_TOKEN" in missing.output
    monkeypatch.setenv("AIOS_SLACK_BOT_TOKEN", "xoxb-test")
    assert "AIOS_SLACK_APP_TOKEN" in runner.invoke(app, ["slack"]).output
    http = runner.invoke(app, ["slack", "--mode", "http"])
    assert http.exit_code == 2 and "AIOS_SLACK_SIGNING_SECRET" in http.output


def test_a_table_reads_as_aligned_columns_and_its_quoted_source_is_not_repeated():
    row = "| Refund amount | Who must approve |\n|---|---|\n| Above $5,000.00 | A manager |"
    event = MessageEvent(
        text=f"{row}\n\n— Refund Policy v2",
        citations=[
            Citation(
                source="finance/refund-policy-v2.md",
                title="Refund Policy v2",
                heading="Approval thresholds",
                heading_path="Refund Policy v2 > Approval thresholds",
                snippet=row,
                score=1.0,
            )
        ],
    )
    shown = blocks.reply(event)
    text = shown[0]["text"]["text"]
    assert "```\nRefund amount    Who must approve\n" in text
    assert "Above $5,000.00  A manager\n```" in text
    assert "|" not in text
    assert "A manager" not in shown[-1]["elements"][0]["text"]


def _texts(drawn: list[blocks.Block]) -> str:
    return "\n".join(b["text"]["text"] if "text" in b else b["elements"][0]["text"] for b in drawn)


def test_a_plan_reads_as_its_steps_and_a_done_step_as_what_it_did():
    steps = [
        PlannedStepView(index=0, tool="erp.create_refund", args={}, description="Refund $45.00"),
        PlannedStepView(index=1, tool="crm.add_note", args={}, description="Add a note"),
    ]
    plan = PlanEvent(understood="Refund $45.00; then add a note", steps=steps, confidence=0.72)
    shown = _texts(blocks.plan(plan, {0: "done", 1: "running"}, {0: "Refunded $45.00 (CN-4011)"}))
    assert shown == (
        ":white_check_mark: 1. Refunded $45.00 (CN-4011)\n:hourglass_flowing_sand: 2. Add a note"
    )
    said_more = plan.model_copy(update={"understood": "Blue Harbor's damaged order"})
    assert _texts(blocks.plan(said_more, {}, {})).startswith("*Blue Harbor's damaged order*\n")


def test_an_error_is_a_sentence_and_its_code_a_details_line():
    shown = blocks.error(ErrorEvent(code="nothing_pending", message="there is nothing to confirm."))
    assert _texts(shown) == ":warning: There is nothing to confirm.\nDetails: nothing_pending"
    assert shown[-1]["type"] == "context"
