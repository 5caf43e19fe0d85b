"""What a message does, apart from what it is about: asks, commands, or calls something off.

Which skill a message is about and what it does with it are separate questions. "What's the
credit limit on Northwind?" is about credit limits, as "set Northwind's credit limit to 9000"
is; only the second asks for a change. A question never becomes a write: the planner answers it
with a lookup or from the documents.
"""

from __future__ import annotations

import re

_OPENER = (
    r"^\s*(?:(?:hey|hi|hello|ok|okay|so|and|also|btw|quick one|quick q(?:uestion)?)"
    r"[,:!\s\-\u2013\u2014]+)*"
)
# "can you…", "could u…", "would you mind…", "please…": a request worded politely.
_POLITE = re.compile(
    _OPENER + r"(?:can|could|would|will|wud|cud)\s+(?:you|u|ya)\b|\b(?:please|pls|plz|kindly)\b",
    re.I,
)
# "can we refund $45 on SO-1042?": asking leave for a concrete change is asking for it.
_MAY_WE = re.compile(_OPENER + r"(?:can|could|may|shall|should)\s+(?:we|i)\b", re.I)
_ASKS = re.compile(
    _OPENER + r"(?:what|what's|whats|wat|how|how's|when|who|who's|whose|why|which|where|"
    r"is|are|was|were|does|do|did|has|have|had|any|anything|must|should|may|can|could|would|"
    r"will|wud|"
    r"is there|are there|tell me (?:what|how|when|who|why|which|whether|if))\b",
    re.I,
)
# "how do we cancel…", "what's the procedure for refunds": asks how it is done, not to do it.
_HOW_TO = re.compile(
    _OPENER + r"(?:how\s+(?:do|does|can|should|would|may|must)\s+(?:we|i|you|u|agents|one|a|an)\b"
    r"|what(?:'s| is| are)?\s+(?:the|our)\s+(?:rule|rules|policy|procedure|process|limit|"
    r"window|deadline|threshold)s?\b|(?:is|are)\s+(?:we|agents|they)\s+allowed\b"
    r"|when\s+(?:do|does|can|should|may|must)\s+(?:we|i|you|agents|a|an)\b"
    r"|who\s+(?:can|may|must|should|approves|signs|(?:has|have|needs?)\s+to)\b)"
    r"|\b(?:what|how)\s+(?:do|should|can|must)\s+(?:i|we|u)\s+(?:do|handle|say)\b"
    r"|\bwho\s+(?:has|have|needs?)\s+to\s+(?:approve|sign|ok|okay)\b",
    re.I,
)
# "open tickets for acme", "unpaid invoices of northwind": a list named by its records, asked
# for as a search box is typed ("open" here says which cases, not what to do).
_LISTING = re.compile(
    _OPENER + r"(?:open|unpaid|overdue|pending|late|outstanding|recent|all|escalated|closed|"
    r"cancelled|shipped)\s+(?:cases|tickets|orders|invoices|bills|notes)\b"
    # "cases assigned to me that aren't closed", "invoices of kestrel": records by their kind.
    r"|" + _OPENER + r"(?:(?:my|our|all|the)\s+)?(?:cases|tickets|orders|invoices|bills|accounts|"
    r"customers|contacts|refunds)\s+(?:assigned|owned|for|of|from|with|that|which|due|placed)\b",
    re.I,
)
# "up to what amount can finance…", "within how many days…": a question led by a preposition.
_FRONTED = re.compile(
    _OPENER + r"(?:up to|by|for|in|on|at|after|before|since|until|within|from|to)\s+"
    r"(?:what|how|which|when|whom|who)\b",
    re.I,
)
# "northfield's credit limit?? need it for a call": the first sentence asks.
_FIRST_ASKS = re.compile(r"^[^.!?\n]{3,}\?")
# "how many days…", "how much…": a rule's number, unless a record is named ("how much can I
# still refund on SO-1042?" asks about that order).
_HOW_MUCH = re.compile(_OPENER + r"how\s+(?:many|much|long|often|soon|far)\b", re.I)
# "no, scrap that", "forget it", "never mind": what was asked last is called off.
_CALL_OFF = re.compile(
    r"^\s*(?:(?:no|nah|nope|ok|okay|actually|sorry|hmm|oh)[,.!\s]+)*"
    r"(?:(?:scrap|forget|drop|cancel|ditch|skip|leave|stop|abort|kill)\s+"
    r"(?:it|that|this|all\s+(?:of\s+)?that|the whole thing|everything|the lot)"
    r"|never\s*mind|nevermind|nvm|don'?t bother|no thanks|no thank you|not now|hold off"
    r"|leave it|forget about it)"
    r"(?:[,.!\s]+(?:please|thanks|for now|then|i changed my mind))*\s*[.!]*\s*$",
    re.I,
)


# "should I escalate CS-1014 or is it still inside its SLA?": weighing it up is asking.
_ALTERNATIVE = re.compile(
    r"\bor\s+(?:is|are|was|were|did|does|do|has|have|had|should|would|will)\s+"
    r"(?:it|they|he|she|we|i|someone|somebody|anyone|anybody|that|this|there|the)\b",
    re.I,
)
# "refund above 5k - who approves that": the question comes after the subject.
_ASKED_AFTER = re.compile(
    r"\s[-\u2013\u2014:]\s*(?:who|what|whats|what's|how|when|which|why)\b", re.I
)


# "need to know if cancelling it needs approval", "just asking", "if i refund them 800, who
# signs off": the operator says they are weighing it up, not asking for it to be done yet.
_WEIGHING = re.compile(
    r"\b(?:need|want|wanna|trying|like)\s+to\s+know\s+(?:if|whether|how|what|who|when)\b"
    r"|\bwondering\b|\bjust asking\b|\bnothing(?:'s| is)? decided\b|\bnot (?:yet )?decided\b"
    r"|\bdon'?t (?:do|change|touch) (?:it|anything) yet\b|\bhypothetically\b"
    r"|^\s*(?:if|say|suppose|assuming)\s+(?:i|we|they|he|she|the customer)\b[^?]*?"
    r"\b(?:who|what|whats|does|do|would|will|is|how|can)\s",
    re.I,
)


def is_question(text: str, *, names_record: bool = False) -> bool:
    """Whether ``text`` asks something rather than asking for something to be done.

    ``names_record``: the text names a concrete record (an id) — then "can we refund $45 on
    SO-1042?" is a polite request, while "can we refund more than was paid?" is a question.
    """
    if _LISTING.match(text):
        return True  # "open tickets for northwind pls": a list, however politely asked
    if _ALTERNATIVE.search(text) or _ASKED_AFTER.search(text) or _WEIGHING.search(text):
        return True
    if _POLITE.search(text):
        return False
    if names_record and _MAY_WE.match(text) and not _HOW_TO.match(text):
        return False
    return (
        text.rstrip().endswith("?")
        or bool(_FIRST_ASKS.match(text))
        or bool(_ASKS.match(text))
        or bool(_FRONTED.match(text))
        or bool(_HOW_TO.search(text))
    )


def is_polite(text: str) -> bool:
    """Whether ``text`` asks for something politely ("can u check …", "… pls")."""
    return bool(_POLITE.search(text))


# "is there a cap on card payments?", "is there a fee for returns?": a rule, unless about a
# record or customer named ("is there a limit on acme's credit?").
_ANY_RULE = re.compile(
    r"\b(?:is|are)\s+there\s+(?:a|an|any)\s+(?:\w+\s+)?(?:limit|cap|maximum|max|minimum|min|"
    r"fee|charge|surcharge|deadline|cut-?off|rule|policy)s?\b",
    re.I,
)


def asks_how(text: str, *, names_record: bool = False) -> bool:
    """Whether ``text`` asks how something is done or what the rule is (the documents')."""
    if names_record:
        return bool(_HOW_TO.search(text))
    return bool(_HOW_TO.search(text) or _HOW_MUCH.match(text) or _ANY_RULE.search(text))


# "nah forget it, wrong invoice", "wait, wrong one": taking something back, whatever follows.
_TAKES_BACK = re.compile(
    r"^\s*(?:(?:no|nah|nope|ok|okay|actually|sorry|hmm|oh|wait)[,.!\s]+)*"
    r"(?:scrap|forget|drop|cancel|ditch|skip|leave|stop|abort|kill|never\s*mind|nvm|hold\s+off|"
    r"wrong|no|nah|nope)\b",
    re.I,
)


def takes_back(text: str) -> bool:
    """Whether ``text`` starts by taking back what was asked, whatever it says after."""
    return bool(_TAKES_BACK.match(text))


def calls_off(text: str) -> bool:
    """Whether ``text`` calls off what was asked last ("no, scrap that", "never mind")."""
    return bool(_CALL_OFF.match(text))
