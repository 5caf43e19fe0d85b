"""A small real corpus written to a temporary folder: one file of every supported kind."""

from __future__ import annotations

from pathlib import Path

REFUND_V2 = """---
title: Refund Policy v2
version: "2.0"
effective: 2026-03-01
owner: Finance Operations
supersedes: finance/refund-policy-v1.md
---

# Refund Policy v2

This policy governs every refund granted to a business customer.

## Refund window

Customers may ask for a refund within **90 days of delivery**. Later requests are declined.

## Approval thresholds

| Refund amount | Who must approve |
|---|---|
| Up to $500.00 | Nobody else |
| Above $500.00 | A second person with the finance role |

### Manager approval

Refunds above $5,000.00 need a manager's approval before any money is returned.
"""

REFUND_V1 = """---
title: Refund Policy v1 (superseded)
version: "1.0"
effective: 2024-02-01
owner: Finance Operations
superseded_by: finance/refund-policy-v2.md
---

# Refund Policy v1 (superseded)

## Refund window

Customers could ask for a refund within 60 days of delivery. Later requests were declined.
"""

RETURNS = """---
title: Product Returns Policy
version: "2.1"
effective: 2026-01-01
owner: Customer Support
---

# Product Returns Policy

## Return shipping

The customer pays the freight for returned goods unless the goods arrived damaged.

## Restocking fee

Unopened goods returned within 30 days carry a restocking fee of 15 percent.
"""

CALENDAR = """<!DOCTYPE html>
<html><head><title>Shipping Calendar 2026 - Meridian</title>
<meta name="title" content="Shipping Calendar 2026">
<meta name="version" content="2026.1">
<script>var tracking = "should never be indexed";</script>
</head><body>
<h1>Shipping Calendar 2026</h1>
<h2>Same-day dispatch cut-off</h2>
<p>Orders confirmed by 14:00 local time are dispatched the same day.</p>
<h2>Public holidays</h2>
<table><tr><th>Date</th><th>Holiday</th></tr>
<tr><td>2026-07-03</td><td>Independence Day (observed)</td></tr></table>
</body></html>
"""

PRICES = """sku,name,category,price_usd
SKU-SF-001,Nitrile gloves powder-free (1000 count),safety,84.00
SKU-SF-002,Safety glasses anti-fog (12 pack),safety,36.60
SKU-OF-001,Copy paper letter (10 reams),office,52.00
"""

NOTES = """Warehouse visitors must sign in at the front desk and wear a high-visibility vest.

Forklift training is renewed every three years.
"""


def write_corpus(root: Path) -> Path:
    """Write the corpus under ``root`` and return it."""
    files = {
        "finance/refund-policy-v2.md": REFUND_V2,
        "finance/refund-policy-v1.md": REFUND_V1,
        "support/product-returns.md": RETURNS,
        "operations/calendar.html": CALENDAR,
        "sales/prices.csv": PRICES,
        "operations/visitor-notes.txt": NOTES,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    write_pdf(root / "compliance" / "retention.pdf")
    return root


def write_pdf(path: Path, *, headings: bool = True) -> Path:
    """A two-section PDF made with reportlab (headings set in a larger bold font)."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    path.parent.mkdir(parents=True, exist_ok=True)
    story = []
    sections = [
        ("Retention periods", "Invoices and credit notes are kept for seven years."),
        (
            "Data incidents",
            "Report any loss of personal data to the Privacy Office within one hour.",
        ),
    ]
    if headings:
        story.append(Paragraph("Records Retention Summary", styles["Title"]))
    for heading, text in sections:
        if headings:
            story.append(Paragraph(heading, styles["Heading2"]))
        story.append(Paragraph(text, body))
    doc = SimpleDocTemplate(
        str(path), title="Records Retention Summary", keywords="version=3.0, effective=2026-01-01"
    )
    doc.build(story)
    return path
