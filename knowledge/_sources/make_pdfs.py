"""Regenerate the PDF documents of the knowledge corpus.

Run from anywhere with the project's virtualenv (reportlab is a dev dependency):

    .venv/bin/python knowledge/_sources/make_pdfs.py

The text of every PDF lives in this file, so edit it here and regenerate; never edit the PDFs.
Each document is a list of blocks: ("h1", text), ("h2", text), ("h3", text), ("p", text),
("ul", [items]) or ("table", [header, *rows]). Headings become PDF bookmarks as well, so
that both the visible text and the outline carry the section structure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

KNOWLEDGE = Path(__file__).resolve().parent.parent

Block = tuple[str, Any]

CREDIT_HANDBOOK: dict[str, Any] = {
    "path": "finance/credit-policy-handbook.pdf",
    "title": "Credit Policy Handbook",
    "version": "4.0",
    "effective": "2026-01-01",
    "owner": "Credit Control (Finance)",
    "blocks": [
        ("h1", "Credit Policy Handbook"),
        (
            "p",
            "Meridian Supply Co. &#8211; Version 4.0 &#8211; Effective 2026-01-01 &#8211;"
            " Owner: Credit Control (Finance)",
        ),
        ("h2", "Purpose and scope"),
        (
            "p",
            "This handbook sets out how Meridian Supply Co. decides how much credit to "
            "give its business customers: how credit ratings are assigned, which credit "
            "limit each rating starts with, who may change a limit, and how limits are "
            "reviewed. It applies to every account in every region. The step-by-step "
            "procedure for changing a limit in aios is in the document Changing a "
            "Customer's Credit Limit.",
        ),
        (
            "p",
            "The credit limit is the maximum open balance a customer may carry: unpaid "
            "invoices plus confirmed orders that have not been invoiced yet. Limits are "
            "set in US dollars and are never negative.",
        ),
        ("h2", "Credit rating criteria"),
        (
            "p",
            "Credit Control assigns every account a credit rating from A (best) to D "
            "(worst) after a credit check through our credit bureau provider. The rating "
            "uses the bureau score (0 to 100), the years the company has been trading and"
            " its payment record.",
        ),
        (
            "table",
            [
                ["Rating", "Bureau score", "Other conditions"],
                ["A", "80 or more", "Trading 3 years or more; no payment defaults in 3 years"],
                ["B", "60 to 79", "No payment defaults in the last 12 months"],
                ["C", "40 to 59", "Or trading for less than 2 years"],
                ["D", "Below 40", "Or an insolvency event in 5 years, or no verifiable accounts"],
            ],
        ),
        (
            "p",
            "When the conditions point to different ratings, the lower rating applies. "
            "Only Credit Control (users with the finance role) may assign or change a "
            "rating, and only after a new credit check.",
        ),
        ("h2", "Initial credit limits"),
        (
            "p",
            "At onboarding, the initial credit limit follows directly from the rating. No"
            " higher limit is granted at onboarding.",
        ),
        (
            "table",
            [
                ["Credit rating", "Initial credit limit"],
                ["A", "$50,000"],
                ["B", "$25,000"],
                ["C", "$10,000"],
                ["D", "$0 (prepayment only)"],
            ],
        ),
        ("h2", "Who may change a credit limit"),
        (
            "p",
            "Agents and senior agents may not change credit limits. Users with the "
            "finance role change limits, and every change needs their confirmation. "
            "Finance may increase a limit on their own confirmation when the increase is "
            "at most 20% of the current limit or at most $10,000, whichever is larger. "
            "Larger increases need the approval of a manager, who must be a different "
            "person from the requester.",
        ),
        (
            "p",
            "Decreases are always allowed for finance with confirmation, whatever their "
            "size, and must be noted on the account with the old limit, the new limit and"
            " the reason.",
        ),
        ("h2", "Prepayment accounts (rating D)"),
        (
            "p",
            "Accounts rated D are prepayment only. Their credit limit is $0 and cannot be"
            " increased while the rating is D. Their orders are confirmed only once the "
            "full order total has been paid. When an account is downgraded to D, finance "
            "sets its limit to $0; this is a decrease and is noted on the account. To "
            "leave prepayment, the customer asks for a new credit check, at the earliest "
            "six months after the last one.",
        ),
        ("h2", "Orders above the available credit"),
        (
            "p",
            "Available credit is the credit limit minus the open balance. An order whose "
            "total exceeds the available credit is not confirmed: it stays pending and "
            "Credit Control is notified. The customer can pay open invoices, prepay the "
            "order, or ask for a higher limit. Operators must not split an order to fit "
            "under the available credit.",
        ),
        ("h2", "Credit reviews"),
        ("h3", "Scheduled reviews"),
        (
            "p",
            "Every account with a limit above $0 is reviewed once a year, in the month of"
            " its onboarding anniversary. New accounts are reviewed after three months of"
            " trading, which is the earliest point at which a customer can expect a limit"
            " increase.",
        ),
        ("h3", "Triggered reviews"),
        (
            "p",
            "A review is also triggered when an invoice of the account reaches 60 days "
            "overdue, when the credit utilisation (open balance divided by limit) stays "
            "above 90% for a month, or when the bureau reports a fall in the score of 15 "
            "points or more.",
        ),
        ("h2", "Accounts on hold"),
        (
            "p",
            "At 60 days overdue an account is put on hold (status on_hold) under the "
            "collections procedure. While on hold, no orders are confirmed, whatever "
            "credit remains available. The limit itself is not changed automatically; "
            "Credit Control decides at the triggered review whether to decrease it.",
        ),
    ],
}

DATA_PROTECTION_SUMMARY: dict[str, Any] = {
    "path": "compliance/data-protection-summary.pdf",
    "title": "Data Protection Summary for Operators",
    "version": "3.0",
    "effective": "2026-01-01",
    "owner": "Privacy Office",
    "blocks": [
        ("h1", "Data Protection Summary for Operators"),
        (
            "p",
            "Meridian Supply Co. &#8211; Version 3.0 &#8211; Effective 2026-01-01 &#8211;"
            " Owner: Privacy Office",
        ),
        (
            "p",
            "A two-page summary of the Data Protection Policy for everyone who works with"
            " customer records. The full rules are in the Data Protection Policy and Data"
            " Subject Requests.",
        ),
        ("h2", "What is personal data (PII)"),
        (
            "ul",
            [
                "Contact email addresses and phone numbers.",
                "Billing addresses and shipping addresses.",
                "Bank details.",
            ],
        ),
        ("p", "Account IDs, contact IDs, company names and document numbers are not PII."),
        ("h2", "Who sees what"),
        (
            "table",
            [
                ["Role", "What the role sees"],
                ["agent", "Emails and phones masked, except for accounts they own"],
                ["senior_agent", "Emails and phones in full"],
                ["finance", "Billing emails, addresses and bank details in full"],
                ["manager", "Emails and phones in full"],
                ["auditor", "Everything masked"],
                ["admin", "Everything in full"],
            ],
        ),
        (
            "p",
            "Masked values look like j***@example.com for an email and ***-***-1234 for a"
            " phone number.",
        ),
        ("h2", "Five rules for every operator"),
        (
            "ul",
            [
                "Never paste PII into case notes or account notes; use contact IDs instead.",
                "Use customer data only to serve that customer.",
                "Never take card numbers or bank details by phone or email; finance handles"
                " bank details.",
                "Keep exports inside Meridian systems; never on personal devices.",
                "Send reminders and invoices only to the billing email recorded in the ERP.",
            ],
        ),
        ("h2", "Data subject requests"),
        (
            "p",
            "Forward any request from a person about their own data (access, correction, "
            "deletion, objection) to privacy@meridiansupply.example on the day you "
            "receive it. The Privacy Office must answer within 30 days of the day anyone "
            "at Meridian received the request.",
        ),
        ("h2", "Reporting a data incident"),
        (
            "p",
            "A data incident is any loss or exposure of personal data: an email with "
            "customer data sent to the wrong person, a lost laptop, PII pasted into a "
            "case note, or a suspicious request for bank details. Report it to "
            "privacy@meridiansupply.example immediately and in any case within 24 hours. "
            "Do not try to investigate or fix it yourself, and do not delete evidence. "
            "The Privacy Office decides within 72 hours whether customers or authorities "
            "must be told.",
        ),
        ("h2", "Retention periods"),
        (
            "table",
            [
                ["Record", "Kept for"],
                ["Invoices, payments, credit notes", "7 years after the end of the fiscal year"],
                ["Audit trail of aios actions", "7 years"],
                ["Cases and case notes", "6 years after the case is closed"],
                [
                    "Contacts of churned accounts",
                    "2 years after the account is churned, then deleted",
                ],
                ["Prospect accounts that never traded", "1 year after the last contact"],
            ],
        ),
        (
            "p",
            "Records under a legal hold are kept until the hold is lifted, whatever the "
            "period above.",
        ),
    ],
}

DOCUMENTS = (CREDIT_HANDBOOK, DATA_PROTECTION_SUMMARY)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontSize=20, spaceAfter=10),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=14, spaceBefore=12),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontSize=12, spaceBefore=8),
        "p": ParagraphStyle("p", parent=base["BodyText"], fontSize=10.5, leading=14),
    }


class _Doc(SimpleDocTemplate):
    """Adds a PDF bookmark (outline entry) for every heading."""

    def afterFlowable(self, flowable: Any) -> None:
        style = getattr(flowable, "style", None)
        level = {"h1": 0, "h2": 1, "h3": 2}.get(getattr(style, "name", ""))
        if level is None:
            return
        text = flowable.getPlainText()
        key = f"h{id(flowable)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=False)


def build(doc: dict[str, Any]) -> Path:
    out = KNOWLEDGE / doc["path"]
    out.parent.mkdir(parents=True, exist_ok=True)
    styles = _styles()
    story: list[Any] = []
    for kind, content in doc["blocks"]:
        if kind in ("h1", "h2", "h3", "p"):
            story.append(Paragraph(content, styles[kind]))
        elif kind == "ul":
            items = [ListItem(Paragraph(t, styles["p"]), leftIndent=12) for t in content]
            story.append(ListFlowable(items, bulletType="bullet", start="-"))
        elif kind == "table":
            table = Table(
                [[Paragraph(c, styles["p"]) for c in row] for row in content],
                hAlign="LEFT",
                colWidths=None,
            )
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(Spacer(1, 4))
            story.append(table)
            story.append(Spacer(1, 6))
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    pdf = _Doc(
        str(out),
        pagesize=LETTER,
        leftMargin=inch,
        rightMargin=inch,
        topMargin=inch,
        bottomMargin=inch,
        title=doc["title"],
        author=doc["owner"],
        subject=f"version {doc['version']}, effective {doc['effective']}",
        keywords=[
            f"version={doc['version']}",
            f"effective={doc['effective']}",
            f"owner={doc['owner']}",
        ],
        invariant=1,
    )
    pdf.build(story)
    return out


def main() -> None:
    for doc in DOCUMENTS:
        print(build(doc).relative_to(KNOWLEDGE))


if __name__ == "__main__":
    main()
