"""A complaint opens a case however it is worded; a question about handling complaints is
answered from the documents. None of these sentences is in a skill file."""

from __future__ import annotations

from aios.toolbox import BoundReader, Caller

MEANT = {
    "Blue Harbor Logistics complained that their pallet arrived crushed": "open_case",
    "the customer is unhappy with SO-1063, two boxes were missing": "open_case",
    "Crane & Sons has a problem with their last order": "open_case",
    "Northwind Traders has a complaint: the invoice total is wrong": "open_case",
    "Tidewater Freight reported a damaged shipment on SO-1150": "open_case",
    "how do we handle a complaint about a damaged delivery?": "knowledge_question",
    "who handles customer complaints?": "knowledge_question",
    "is there a problem with order SO-1063?": "order_status",
}


def test_complaints_open_cases_and_questions_about_them_go_to_the_documents(runtime):
    reader = BoundReader(runtime.toolbox, Caller(actor="test", session_id="t", step="test"))
    taken = {text: runtime.planner.skill_of(text, reader) for text in MEANT}
    assert taken == MEANT
