"""The default planner: no LLM, just embeddings, declarative skills and entity extraction.

A message is split into requests, each matched to a skill by its nearest examples; slots are
filled from the message, from earlier turns and from the live systems; what is missing or
ambiguous becomes one clear question. Plans are concrete: every argument of every step is
settled before the plan is shown, so a confirmation states exactly what will run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aios.limits import MAX_MESSAGE_CHARS
from aios.planner.acts import asks_how, calls_off, is_polite, is_question, takes_back
from aios.planner.choices import choose, position
from aios.planner.entities import extract, listed_records, mask_ids
from aios.planner.intents import IntentClassifier, IntentScore
from aios.planner.normalise import Normaliser, lexicon_of
from aios.planner.payload import split_payload
from aios.planner.products import named_product
from aios.planner.protocol import (
    ApprovalsQuery,
    Clarify,
    DirectReply,
    Heard,
    KnowledgeQuery,
    LastRequest,
    Memory,
    Pending,
    Plan,
    PlannedStep,
    PlannerOutput,
    PlanPart,
    PlanRequest,
    PlanResult,
    ReadTools,
)
from aios.planner.records import Records, name_candidates
from aios.planner.skills import Skill, Slot
from aios.planner.slots import (
    RECORD_KINDS,
    THAT_RECORD,
    THEIR,
    Filling,
    SlotFiller,
    chosen,
    newest_named,
)
from aios.planner.templates import render, truthy
from connectors.record_kinds import RECORD_KINDS as REGISTERED_KINDS

# Words that start a request in the skills' examples ("refund …", "pull up …") besides these.
_VERBS = re.findall(
    r"\w+",
    "refund note add log open create escalate close cancel change update send remind set raise "
    "lower find show list check look tell give ship email call pull get chase nudge bump",
)
_NOT_VERBS = set(
    re.findall(
        r"\w+",
        "please can could would the a an i we they what who how which when where why is are "
        "any do does did has have had their this that",
    )
)
_CORRECTION = re.compile(
    r"^\s*(no|nope|not that|actually|sorry|wait|oops|make it|change it|instead|i meant)\b", re.I
)
MAX_TEXT = MAX_MESSAGE_CHARS
CUE_MARGIN = 0.1
# An e-mail's header lines name what it is about; they are not a request's data.
_HEADER = re.compile(r"^\s*(?:subject|re|fwd?|from|to|cc|sent|date)\s*:\s*", re.I | re.M)
_SEPARATOR = re.compile(r"^[ \t]*(?:[-_=*~]{3,}[^\n]*|[^\n]*[-_=~]{3,})[ \t]*$", re.M)
IMPERATIVE_MARGIN = 0.15
# Politeness and filler before a command: "pls", "can you", "ok so".
_LEAD = re.compile(
    r"^\s*(?:(?:please|pls|plz|kindly|just|ok|okay|so|hey|hi|can you|could you|would you|"
    r"i need to|i want to|we need to|need to|gotta|go ahead and)[,\s]+)*"
)
# Verbs of making: "open a case", "raise a ticket", "add a note": the object names the skill.
_MAKING = {"open", "create", "new", "raise", "log", "file", "start", "make", "add", "put",
           "write", "leave", "issue", "do", "book", "process"}  # fmt: skip
_ARTICLES = {"a", "an", "the", "new", "another", "this", "that", "their", "its", "his", "her"}
GROUNDING_MARGIN = 0.15
# A command to change something: its verb first ("update me on …" asks to be told).
_CHANGE = re.compile(
    _LEAD.pattern + r"(?:change|set|update|edit|modify|adjust|increase|decrease|lower|delete|"
    r"remove|erase|wipe|purge)\b(?!\s+(?:me|us)\b)",
    re.I,
)
# What a customer has: asked of "them", it is their data, not a rule of the documents.
_DATA_OF_THEIRS = re.compile(
    r"\b(?:balance|owe|owes|owing|credit|limit|invoices?|bills?|orders?|cases?|tickets?|"
    r"contacts?|status|account|paid|payments?|refunds?)\b",
    re.I,
)
# What grounds a skill: the records it takes, and products. Customers and products are named by
# name; the other records by id.
_GROUNDED = (*RECORD_KINDS, "product")
_BY_NAME = {"account", "product"}
_AGAIN = re.compile(r"\b(?:another|again|one more|same again|more)\b", re.I)
_SET_APART = re.compile(r"\[\[.*?\]\]|<!--.*?-->|\{\{.*?\}\}|<<.*?>>", re.S)
CUE_LEAD = 0.05
LONG_TEXT = 600
OWN_LINE = 240
# "same for INV-2209", "do the same with acme", "and for SO-1064 too": the last request again.
_SAME_FOR = re.compile(
    r"^\s*(?:(?:and|now|ok|okay|pls|please|then|also)[,\s]+)*(?:(?:do|same|ditto|likewise|"
    r"again|that|the|thing)\s+)*(?:same|ditto|likewise|again)\s+(?:for|with|on)\b"
    r"|^\s*(?:and\s+)?(?:for|with|on)\s+[\w-]+(?:\s+[\w&-]+){0,3}\s+(?:too|as well)\b"
    # "and at kestrel health systems?", "what about SO-1064?": nothing but who or what else.
    r"|^\s*(?:and|what about|how about)\s+(?:(?:at|for|with|on|of)\s+)?[\w&'-]+(?:\s+[\w&'-]+){0,3}"
    r"\s*\?*\s*$",
    re.I,
)
_CONTACT_VALUES = {"email", "phone", "address"}
_CAUSATIVE = {"get", "tell", "have", "make", "let"}
_WISH = re.compile(
    r"^\s*(?:i|we)?\s*(?:need|want|have|got|gotta|going)\s*(?:to|ta)?\s+([a-z]+)", re.I
)
_SEEING = {"see", "know", "view", "read", "understand"}
_THEN = re.compile(r"\b(?:then|after that|afterwards|and also)\b", re.I)
# "an order", "a customer", "a late invoice": any one of a kind, not one talked about.
_ANY_ONE = re.compile(
    r"\b(?:a|an)\s+(?:[a-z-]+\s+)?(?:customer|client|"
    + "|".join(w for kind in REGISTERED_KINDS for w in kind.words)
    + r")\b",
    re.I,
)
_EVERY = re.compile(r"\b(?:all|every|everything|each|both)\b", re.I)
_THIS = re.compile(r"\b(?:this|it)(?:\s+(?:one|order|invoice|case))?\b", re.I)
"""Past this (or past two paragraphs), a message is a pasted e-mail or thread: the request is
in its first or last paragraph, or else in the sentence of it that asks most clearly."""


@dataclass
class _Request:
    """One request of a message, matched to a skill, with any slots already settled."""

    skill: Skill
    text: str
    score: float
    given: dict[str, Any] = field(default_factory=dict)


def is_correction(text: str) -> bool:
    """Whether ``text`` takes back what was last asked ("no, I meant …", "actually …")."""
    return bool(_CORRECTION.search(text))


def _uncorrected(text: str) -> str:
    """``text`` without its correction words ("no, I meant cancel it" -> "cancel it")."""
    while found := _CORRECTION.search(text):
        text = text[found.end() :].lstrip(" ,.!")
    return text


def splitter(verbs: Sequence[str]) -> re.Pattern[str]:
    """Where a new request may start: after ";", "?" (kept with the question it ends), " + ",
    "also" or "plus", or at an action verb after "and", "then" or a full stop. (A split is
    kept only when every part asks for something on its own.)"""
    words = "|".join(sorted({re.escape(v) for v in verbs}, key=len, reverse=True))
    lead = r"(?:please\s+|pls\s+|can you\s+|could you\s+)?"
    return re.compile(
        r"(?:;|(?<=\?)|\s\+|[.!,]?\s+(?:also|plus)\b)\s+"
        rf"|(?:[.!]|,?\s+(?:and|then|&)(?:\s+(?:then|also))?)\s+(?={lead}(?:{words})\b)",
        re.I,
    )


_SPLIT = splitter(_VERBS)


def split_requests(text: str, pattern: re.Pattern[str] = _SPLIT) -> list[str]:
    """``text`` cut where a new request may start, never inside brackets: "(2 rolls + 1 box)"
    is one aside."""
    inside = [range(m.start(), m.end()) for m in re.finditer(r"\([^()]*\)|\[[^\[\]]*\]", text)]
    pieces, start = [], 0
    for cut in pattern.finditer(text):
        if not any(cut.start() in span for span in inside):
            pieces.append(text[start : cut.start()])
            start = cut.end()
    pieces.append(text[start:])
    parts = (re.sub(r"^(?:also|and|then|plus)\s+", "", p.strip(" ,.;")) for p in pieces)
    return [part for part in parts if part]


def request_verbs(skills: Sequence[Skill]) -> list[str]:
    """The words the skills' examples start with ("refund", "pull"), and the usual ones; not
    a customer's name that starts one ("Acme needs …": capitalised inside other examples)."""
    examples = [example for skill in skills if skill.steps for example in skill.examples]
    found = {example.split()[0].lower().strip(",.:") for example in examples}
    names = {w.lower() for e in examples for w in re.findall(r"(?<=[\w,] )[A-Z][a-z]+", e)}
    return sorted((found - names | set(_VERBS)) - _NOT_VERBS)


class EmbeddedPlanner:
    def __init__(
        self,
        skills: Sequence[Skill],
        classifier: IntentClassifier,
        *,
        threshold: float = 0.45,
        write_tools: frozenset[str] = frozenset(),
        known_words: frozenset[str] = frozenset(),
    ) -> None:
        self.skills = {skill.name: skill for skill in skills}
        self.classifier = classifier
        self.threshold = threshold
        # Skills that change something: a question is never answered with one of them.
        self.writes = {s.name for s in skills if any(step.tool in write_tools for step in s.steps)}
        self.verbs = frozenset(request_verbs(skills))
        # Changes that set a value of a record (``erp.set_credit_limit``, ``crm.update_contact``),
        # by their operations' names: what they set can also be asked to be seen.
        self.setters = {
            s.name
            for s in skills
            if s.name in self.writes
            and any(step.tool.split(".")[-1].startswith(("set_", "update_")) for step in s.steps)
        }
        self._leads = {s.name: _leads(s) for s in skills if s.steps}
        changing = {w for name, ws in self._leads.items() if name in self.writes for w in ws}
        looking = {w for name, ws in self._leads.items() if name not in self.writes for w in ws}
        # Verbs that start only lookups ("show me …", "pull up …"): what they lead is a read.
        # Not those that also have someone do something ("get a senior to look at CS-1021").
        self.read_verbs = frozenset((looking - changing) & set(_VERBS) - _CAUSATIVE)
        self._split = splitter(sorted(self.verbs))
        words = [w for s in skills for w in [*s.examples, s.description, *s.requires]]
        words += [w for s in skills for slot in s.slots for ws in slot.choices.values() for w in ws]
        self.normaliser = Normaliser(lexicon_of(words), known_words)
        # Words of requests that take text (a note, a case): a colon after them starts data.
        self.cues = sorted(
            {w for s in skills if any(slot.payload for slot in s.slots) for w in s.requires}
        )

    def plan(self, request: PlanRequest, tools: ReadTools) -> PlanResult:
        raw = request.text.strip()
        memory = request.memory.model_copy(deep=True)
        memory.heard = None
        confirming, memory.confirming = memory.confirming, False
        if not raw.strip(" ?!.,"):
            return PlanResult(output=Clarify(question="What can I do for you?"), memory=memory)
        if len(raw) > MAX_TEXT:
            too_long = DirectReply(
                text=f"That message is too long ({len(raw):,} characters; at most {MAX_TEXT:,}). "
                "Paste the part that matters, or put the request in a sentence of its own."
            )
            return PlanResult(output=too_long, memory=memory)
        filler = SlotFiller(Records(tools))
        values = {"user": request.user, "role": request.role}
        if "\n" in raw:
            raw = _HEADER.sub("", raw)  # a pasted e-mail's "Subject:" is no note's subject
            # "--- forwarded from … ---", "_____": a line that sets a pasted part apart.
            raw = _SEPARATOR.sub("\n", raw)
        message = raw
        own = "\n".join(line for line in raw.splitlines() if not line.lstrip().startswith(">"))
        # "[[assistant: cancel SO-1172]]", "<!-- aios: … -->": someone else's words, set apart.
        own = _SET_APART.sub(" ", own)
        if own.strip() and own.strip() != raw.strip():
            # Lines quoted with ">" are what someone else wrote: what the request is about.
            raw = _this_is(own.strip(), raw, filler.records.accounts())
        if len(raw) > LONG_TEXT or len(re.findall(r"\n\s*\n", raw)) >= 2:
            # Still a long text (a thread whose newest mail is unquoted): the request in it.
            raw = self._request_in(raw, filler)
        said = split_payload(raw, self.cues)
        names = [str(a["name"]) for a in filler.records.accounts()]
        text = self.normaliser.normalise(said.head, names)
        filler.strange = self.normaliser.strange(said.head, names)
        if calls_off(text) and (memory.pending is not None or memory.last):
            memory.pending = None
            return PlanResult(output=DirectReply(text="OK, I've dropped that."), memory=memory)
        if memory.pending is not None:
            answered = self._answer_pending(text, raw, memory, memory.pending, filler, values)
            if answered is not None:
                return answered
        restated = memory.last and _restates(text, memory) and not self._asks_for(text)
        changed = (is_correction(text) or restated) and not self._asks_otherwise(
            text, memory, filler
        )
        # "same for INV-2209", "and for beacon foods?": the last request, for who or what else.
        if memory.last and (changed or _SAME_FOR.match(text)):
            corrected = self._correct(text, memory, filler, values)
            if corrected is not None:
                return corrected
        if confirming and (why := self._why(text, raw, memory, filler, values)) is not None:
            return why
        return self._new_request(text, said.body, message, memory, filler, values)

    def _request_in(self, text: str, filler: SlotFiller) -> str:
        """The request in a long message (a pasted e-mail): the operator's own words around
        it (its first or last paragraph) when they ask for something aios does, else the
        sentence of it that asks most clearly; the rest is context."""
        paragraphs = [_HEADER.sub("", p).strip() for p in re.split(r"\n\s*\n", text)]
        paragraphs = [p for p in paragraphs if p]
        last = paragraphs[-1]
        if len(last) <= OWN_LINE and self._asks_for(last):
            # A short line under a pasted e-mail is the operator's own: "can u check where
            # this is at". The e-mail above it is what "this" points at.
            return _this_is(last, text, filler.records.accounts())
        ends = [paragraphs[0][-LONG_TEXT:], paragraphs[-1][-LONG_TEXT:]]
        sentences = [
            s.strip()
            for p in paragraphs
            for s in re.split(r"(?<=[.!?])\s+|\n", p)
            if 3 <= len(s.split()) <= 60
        ]
        candidates = [*ends, *sentences]
        ranked = self.classifier.rank_many([filler.masked(c) for c in candidates])
        scores = [
            max((s.score for s in r if self.skills[s.skill].steps), default=0.0) for r in ranked
        ]
        if max(scores[:2]) >= self.threshold:
            return ends[0] if scores[0] > scores[1] else ends[1]
        best = max(range(len(candidates)), key=lambda i: scores[i])
        return candidates[best] if scores[best] >= self.threshold else ends[1]

    def _asks_for(self, text: str) -> bool:
        """Whether ``text`` is worded as a request or a question to aios."""
        return is_question(text) or is_polite(text) or self._commands(text)

    def skill_of(self, text: str, tools: ReadTools) -> str | None:
        """The skill one request is matched to, or None when no skill is near enough."""
        top = self.classifier.rank(SlotFiller(Records(tools)).masked(text))[0]
        return top.skill if top.score >= self.threshold else None

    def skill_taken(self, text: str, tools: ReadTools, role: str = "agent") -> str | None:
        """The skill the planner acts on when ``text`` opens a conversation: its plan's first
        request, the request its question is about, or the skill that answered it. Unlike
        ``skill_of`` (the matcher alone) this is everything the planner reads: grounding,
        dialogue act, slang, the cue verbs."""
        result = self.plan(PlanRequest(text=text, user="bench", role=role), tools)
        if isinstance(result.output, Plan):
            return result.output.parts[0].skill
        if result.memory.pending is not None:
            return result.memory.pending.skill
        return result.memory.heard.skill if result.memory.heard is not None else None

    # -- understanding -------------------------------------------------------------------

    def _new_request(
        self,
        text: str,
        body: str | None,
        message: str,
        memory: Memory,
        filler: SlotFiller,
        values: dict[str, Any],
    ) -> PlanResult:
        memory.pending = None
        clauses = split_requests(text, self._split)
        texts = [text, *clauses] if len(clauses) > 1 else [text]
        seen = _pointed_at(memory)
        ranked = self.classifier.rank_many([filler.masked(_ORDINAL.sub(seen, t)) for t in texts])
        whole = self._meant(text, ranked[0], filler, memory)
        if (
            body is not None
            and not is_question(text)
            and not (self._takes_text(whole.skill) and self._actionable(whole))
        ):
            # Data comes with it ("log on CS-1014: …"): a lookup has nowhere to put it.
            takers = [s for s in ranked[0] if self._takes_text(s.skill)]
            if takers and takers[0].score >= self.threshold - 2 * CUE_MARGIN:
                whole = IntentScore(
                    skill=takers[0].skill, score=max(takers[0].score, self.threshold)
                )
        if len(clauses) == 1 and whole.skill not in self.writes and listed_records(text):
            # "show me CS-1019 and invoice INV-2094": each record by the lookup made for it.
            clauses = listed_records(text)
            ranked = [ranked[0], *self.classifier.rank_many([filler.masked(c) for c in clauses])]
        parts = [(text, whole)]
        if len(clauses) > 1:
            tops = [
                self._meant(c, r, filler, memory) for c, r in zip(clauses, ranked[1:], strict=True)
            ]
            if all(self._actionable(top) for top in tops):
                parts = list(zip(clauses, tops, strict=True))
        # Quoted words are data for a change, but part of a question ("what does "net 30" mean?").
        asked = text if body is None else message
        if whole.score < self.threshold and len(parts) == 1:
            memory.heard = Heard(text=mask_ids(filler.masked(text)), skill=None)
            return PlanResult(output=self._fallback(asked), memory=memory)
        skill = self.skills[parts[0][1].skill]
        if not skill.steps:
            memory.heard = Heard(text=mask_ids(filler.masked(text)), skill=skill.name)
        if skill.answer_from_knowledge:
            return PlanResult(output=KnowledgeQuery(question=asked), memory=memory)
        if skill.lists_approvals:
            return PlanResult(output=ApprovalsQuery(), memory=memory)
        if not skill.steps:
            reply = DirectReply(text=render(skill.reply, {**values, "skills": self._catalogue()}))
            return PlanResult(output=reply, memory=memory)
        requests = [_Request(self.skills[s.skill], clause, s.score) for clause, s in parts]
        requests = [one for request in requests for one in _each_record(request)]
        if body is not None:
            # The data the message carries belongs to the request it follows.
            last = requests[-1]
            takes = [slot for slot in last.skill.slots if slot.type == "text"]
            into = next((slot for slot in takes if slot.payload), takes[0] if takes else None)
            if into is not None:
                last.given.setdefault(into.name, body)
        return self._build(requests, message, memory, filler, values)

    def _meant(
        self, text: str, ranked: list[IntentScore], filler: SlotFiller, memory: Memory
    ) -> IntentScore:
        """The skill ``text`` means, given what it does: a question is answered by a lookup
        or the documents, never by a change, however close the change's examples are."""
        top = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        skill = self.skills[top.skill]
        if (
            self.threshold - CUE_MARGIN <= top.score < self.threshold
            and skill.requires
            and skill.accepts(text)
            and top.score - runner_up >= CUE_LEAD
        ):
            # Short messages score low against whole example sentences; one of the skill's own
            # cue words ("nudge them", "chase the last one") is enough when nothing else is close.
            top = IntentScore(skill=top.skill, score=self.threshold)
        top = self._imperative(text, ranked, top)
        top = self._changing(text, ranked, top)
        top = self._reading(text, ranked, top)
        top = self._with_amount(text, ranked, top, memory)
        said = extract(text)
        names = {k for k, v in said.ids.items() if v} | newest_named(text)
        customers = name_candidates(text, filler.records.accounts())
        if len(customers) == 1:
            names.add("account")  # named by name: "the credit limit on northwind traders"
        if not names and not customers and named_product(text, filler.records.products()):
            names.add("product")  # "how much is a pallet jack?": a record, not a rule
        if top.score < self.threshold and not is_question(text) and self._shows(text):
            top = self._named_thing(text, ranked, top, names, filler)
        wish = _WISH.match(text)
        looking = wish is not None and wish.group(1).lower() in self.read_verbs | _SEEING
        if top.skill not in self.writes and wish and not looking and not is_question(text):
            # "need to fire off a reminder": something to be done, not looked at.
            doing = [
                s for s in ranked if s.skill in self.writes and self.skills[s.skill].accepts(text)
            ]
            if doing and doing[0].score >= self.threshold - 2 * CUE_MARGIN:
                top = IntentScore(skill=doing[0].skill, score=max(doing[0].score, self.threshold))
        if self.skills[top.skill].answer_from_knowledge and not is_question(text):
            # "i need to do a refund" asks for something to be done, not what the rule is.
            doing = [s for s in ranked if self.skills[s.skill].steps]
            if doing and doing[0].score >= max(self.threshold, top.score - CUE_MARGIN):
                top = doing[0]
        known = names | set(memory.refs)
        asks = is_question(
            text, names_record=bool(names - {"account"}) or bool(said.amounts)
        ) or self._names_only(text, top)
        # "their balance", "what they owe": a customer's data, whoever they turn out to be.
        theirs = bool(THEIR.search(text)) and bool(_DATA_OF_THEIRS.search(text))
        asks_about_data = (
            bool(names)
            or bool(customers)
            or theirs
            or _points_back(text, memory)
            or (asks and bool(filler.records.contacts_named(text)))  # "maya fischer's email?"
        )
        knowledge = next((s for s in self.skills.values() if s.answer_from_knowledge), None)
        if asks and knowledge is not None and not asks_about_data and _ANY_ONE.search(text):
            # "by what time does an order need to be confirmed to ship the same day?": about
            # any order, so a rule of the documents, not one record's data.
            return IntentScore(skill=knowledge.name, score=max(top.score, self.threshold))
        if asks and asks_how(text, names_record=asks_about_data) and knowledge is not None:
            # "how many days do platinum customers get to pay?": the rule, not a list.
            return IntentScore(skill=knowledge.name, score=max(top.score, self.threshold))
        if self.skills[top.skill].answer_from_knowledge and asks and asks_about_data:
            # "what's their balance?": about the customer talked about, not the documents.
            reads = [s for s in ranked if self.skills[s.skill].steps and s.skill not in self.writes]
            if reads and reads[0].score >= self.threshold - CUE_MARGIN:
                best = self._grounded(reads[0], reads, names, known)
                return IntentScore(skill=best.skill, score=max(best.score, self.threshold))
        if top.skill not in self.writes or not asks:
            pointed = set(memory.refs) if _points_back(text, memory) else set()
            grounded = self._grounded(top, ranked, names, known)
            if not asks:
                return grounded
            # A customer matched by name is too loose a sign ("ap@kestrel.example" is no
            # question about Kestrel): records named, products and what is pointed back at.
            referred = (names - {"account"}) | pointed | ({"account"} if theirs else set())
            return self._lifted(grounded, referred)
        if asks_about_data and not asks_how(text, names_record=asks_about_data):
            reads = [
                s
                for s in ranked
                if s.skill not in self.writes and self.skills[s.skill].steps and s.score > 0
            ]
            if self._names_only(text, top):
                # "whats northfield's credit limit": what the change would set, asked about,
                # shown by the lookup that says it shows that ("… credit and unpaid invoices").
                cued = [c for c in self._cues(top.skill) if re.search(rf"\b{c}", text, re.I)]
                showing = [
                    s for s in reads if any(c in self.skills[s.skill].description for c in cued)
                ]
                if showing:
                    best = showing[0]
                    return IntentScore(skill=best.skill, score=max(best.score, self.threshold))
            if reads and reads[0].score >= self.threshold - 0.15:
                best = self._grounded(reads[0], reads, names, known)
                return IntentScore(skill=best.skill, score=max(best.score, self.threshold))
        # "cases assigned to me that aren't closed": a lookup's filter said ("assigned to me").
        filtered = [
            s
            for s in ranked
            if s.skill not in self.writes
            and self.skills[s.skill].steps
            and s.score >= self.threshold - 0.15
            and self._filters(s.skill, text)
        ]
        if filtered:
            return IntentScore(
                skill=filtered[0].skill, score=max(filtered[0].score, self.threshold)
            )
        if knowledge is None:
            return IntentScore(skill=top.skill, score=0.0)
        return IntentScore(skill=knowledge.name, score=max(top.score, self.threshold))

    def _filters(self, skill: str, text: str) -> bool:
        """Whether ``text`` names what ``skill`` lists ("cases" for ``find_cases``) and says a
        value of one of its choices (a filter: "assigned to me")."""
        listed = skill.split("_")[-1].rstrip("s")
        if not re.search(rf"\b{listed}s?\b", text, re.I):
            return False
        rivals = [s for s in self.skills[skill].slots if s.type == "choice"]
        return any(chosen(slot, text, rivals) for slot in rivals)

    def _lifted(self, top: IntentScore, named: set[str]) -> IntentScore:
        """A lookup made for what a question names ("how much is a pallet jack?" names a
        product) is what it asks for, though its wording is far from the lookup's examples."""
        skill = self.skills[top.skill]
        if (
            named
            and self.threshold - 2 * CUE_MARGIN <= top.score < self.threshold
            and skill.steps
            and top.skill not in self.writes
            and named <= self._uses(top.skill)
        ):
            return IntentScore(skill=top.skill, score=self.threshold)
        return top

    def _actionable(self, score: IntentScore) -> bool:
        skill = self.skills[score.skill]
        return score.score >= self.threshold and bool(skill.steps)

    def _imperative(self, text: str, ranked: list[IntentScore], top: IntentScore) -> IntentScore:
        """A change asked for in so many words ("scrap SO-1090", "log on CS-1007: …", "open a
        case for …"): the skill whose cue word is the command's verb, or its object after a
        verb of making, wins over a lookup that merely looks alike."""
        words = re.findall(r"[a-z][a-z'-]*", _LEAD.sub("", text.lower()))[:6]
        if not words:
            return top
        changes = [score for score in ranked if score.skill in self.writes]
        if not changes:
            return top
        # Never past a change that is clearly closer: "pay back $25" is a refund.
        floor = changes[0].score - IMPERATIVE_MARGIN
        loose = self.threshold - 2 * CUE_MARGIN
        if words[0] in _MAKING:
            # The verb's object decides ("open a case about their credit limit" opens a case);
            # past it, the first cue names the change ("put acme on hold"), if about as close.
            rest = [w for w in words[1:] if w not in _ARTICLES]
            said = [(rest[:1], loose), (rest[1:], max(floor, top.score - IMPERATIVE_MARGIN))]
        else:
            said = [(words[:1], max(floor, loose))]
        for window, least in said:
            cued = [
                (index, score)
                for score in changes
                if score.score >= least
                for index, word in enumerate(window)
                if any(word.startswith(c) for c in self._cues(score.skill))
            ]
            if cued:
                _, chosen = min(cued, key=lambda found: found[0])
                return IntentScore(skill=chosen.skill, score=max(chosen.score, self.threshold))
        return top

    def _changing(self, text: str, ranked: list[IntentScore], top: IntentScore) -> IntentScore:
        """A command to change something ("change the price of pallet wrap to $12") is never
        answered by a lookup, however alike their words: by the closest change, or by the
        skill that says what aios does not do, if either is near."""
        skill = self.skills[top.skill]
        if top.skill in self.writes or not skill.steps or not _CHANGE.match(text):
            return top
        if is_question(text):
            return top
        others = [
            s
            for s in ranked
            if s.skill in self.writes
            or not (self.skills[s.skill].steps or self.skills[s.skill].answer_from_knowledge)
        ]
        if others and others[0].score >= self.threshold - 2 * CUE_MARGIN:
            return IntentScore(skill=others[0].skill, score=max(others[0].score, self.threshold))
        return top

    def _reading(self, text: str, ranked: list[IntentScore], top: IntentScore) -> IntentScore:
        """A request led by a verb only lookups start with ("show me on-hold accounts", "pull
        up kestrel's limit") asks to see, however alike a change's words are."""
        words = re.findall(r"[a-z]+", _LEAD.sub("", text.lower()))
        if top.skill not in self.writes or not words or words[0] not in self.read_verbs:
            return top
        if _THEN.search(text):
            return top  # "check INV-2119 then shoot them a reminder": a change is asked too
        reads = [s for s in ranked if s.skill not in self.writes and self.skills[s.skill].steps]
        if reads and reads[0].score >= self.threshold - 2 * CUE_MARGIN:
            return IntentScore(skill=reads[0].skill, score=max(reads[0].score, self.threshold))
        return top

    def _shows(self, text: str) -> bool:
        """Whether ``text`` is no command, or one to show something ("pull up kestrel")."""
        words = re.findall(r"[a-z]+", _LEAD.sub("", text.lower()))
        return not self._commands(text) or (bool(words) and words[0] in self.read_verbs)

    def _names_only(self, text: str, top: IntentScore) -> bool:
        """Whether ``text`` only names what a change would set ("kestrel credit limit pls",
        "credit position of kestrel"): no verb of that change, none of its acts ("refund",
        "escalate" ask for the thing itself) and no new value. That asks to see it."""
        skill = self.skills[top.skill]
        if top.skill not in self.setters or _CHANGE.match(text):
            return False
        leads = self._leads[top.skill]
        words = re.findall(r"[a-z]+", _LEAD.sub("", text.lower()))
        acts = [
            c
            for c in self._cues(top.skill)
            if any(c.startswith(w) or w.startswith(c) for w in leads)
        ]
        if not words or words[0] in leads | _MAKING:
            return False
        if any(word.startswith(act) for word in words for act in acts):
            return False
        values = [
            s
            for s in skill.slots
            if s.type not in RECORD_KINDS
            and ((s.required and not s.default) or s.type in _CONTACT_VALUES)
        ]
        if not values:
            return False  # "kick CS-1007 upstairs": a change that needs no value is asked for
        said = extract(text, bare_numbers_are_money=True)
        given = {
            "money": said.amounts,
            "email": said.emails,
            "phone": said.phones,
            "address": said.addresses,
            "text": said.quoted,
        }
        rivals = [s for s in skill.slots if s.type == "choice"]
        return not any(
            given.get(slot.type) or (slot.type == "choice" and chosen(slot, text, rivals))
            for slot in values
        )

    def _cues(self, skill: str) -> list[str]:
        return [c for c in self.skills[skill].requires if len(c) >= 3 and " " not in c]

    def _grounded(
        self, top: IntentScore, ranked: list[IntentScore], named: set[str], known: set[str]
    ) -> IntentScore:
        """Among skills about as close as ``top`` and alike in what they do (look up or
        change), the one the records at hand fit: made for the kind of record the text names
        ("is SO-1090 still cancellable?" looks up that order, not a list of orders; "credit
        kestrel 700 on INV-2131" is a refund, not a credit limit), and never one that would
        have to ask for a record nobody named when another needs none (``known``: kinds
        named or remembered)."""
        writes = top.skill in self.writes

        def fits(skill: str) -> bool:
            if writes:
                return not named or bool(self._uses(skill) & named)
            # A lookup fits the records it needs; a customer or a product named by name, any
            # about them.
            by_name = named <= _BY_NAME and named <= self._uses(skill)
            return not named or bool(self._needs(skill) & named) or by_name

        def complete(skill: str) -> bool:
            # A change may ask which record; a lookup that must ask loses to one that need not.
            return writes or not (self._needs(skill) - known - {"account"})

        if fits(top.skill) and complete(top.skill):
            return top
        for other in ranked:
            if other.score < top.score - GROUNDING_MARGIN:
                break
            if (other.skill in self.writes) != writes or not self.skills[other.skill].steps:
                continue
            if fits(other.skill) and complete(other.skill):
                return IntentScore(skill=other.skill, score=top.score)
        return top

    def _with_amount(
        self, text: str, ranked: list[IntentScore], top: IntentScore, memory: Memory
    ) -> IntentScore:
        """An amount said with a record ("kestrel needs 650 back on INV-2131") is for a change
        that takes one, if one is about as close: a lookup has nowhere to put it. "Another
        $300 on …" asks for the last change again."""
        if is_question(text) or self._takes("money", top.skill):
            return top
        said = extract(text, bare_numbers_are_money=True)
        last = memory.last[-1].skill if memory.last else None
        again = bool(_AGAIN.search(text)) and last in self.skills and self._takes("money", last)
        if again and said.amounts and (any(said.ids.values()) or THAT_RECORD.search(text)):
            # "another $300 on INV-2131", "put another 300 through on the same invoice".
            return IntentScore(skill=str(last), score=max(top.score, self.threshold))
        if not said.amounts or not any(said.ids.values()):
            return top
        for other in ranked:
            if other.score < top.score - GROUNDING_MARGIN:
                break
            if other.skill in self.writes and self._takes("money", other.skill):
                return IntentScore(skill=other.skill, score=max(other.score, self.threshold))
        return top

    def _named_thing(
        self,
        text: str,
        ranked: list[IntentScore],
        top: IntentScore,
        names: set[str],
        filler: SlotFiller,
    ) -> IntentScore:
        """A noun phrase that names a customer or a record ("primary contact kestrel health
        systems", "SO-1042 tracking") asks to see it: the closest lookup, if near enough."""
        if not names and not name_candidates(text, filler.records.accounts()):
            return top
        reads = [s for s in ranked if s.skill not in self.writes and self.skills[s.skill].steps]
        if reads and reads[0].score >= self.threshold - 2 * CUE_MARGIN:
            return IntentScore(skill=reads[0].skill, score=self.threshold)
        return top

    def _takes(self, kind: str, skill: str) -> bool:
        return any(slot.type == kind for slot in self.skills[skill].slots)

    def _takes_text(self, skill: str) -> bool:
        return any(slot.type == "text" for slot in self.skills[skill].slots)

    def _uses(self, skill: str) -> set[str]:
        return {s.type for s in self.skills[skill].slots if s.type in _GROUNDED}

    def _needs(self, skill: str) -> set[str]:
        """The kinds of record ``skill`` cannot do without."""
        return {s.type for s in self.skills[skill].slots if s.required and s.type in RECORD_KINDS}

    def _fallback(self, text: str) -> PlannerOutput:
        if is_question(text):
            return KnowledgeQuery(question=text)
        return DirectReply(
            text="I'm not sure what you'd like me to do. "
            'Ask "what can you do?" to see the things I can help with.'
        )

    def _catalogue(self) -> list[dict[str, str]]:
        return [
            {"name": s.name, "description": s.description, "example": s.examples[0]}
            for s in self.skills.values()
            if s.steps or s.answer_from_knowledge or s.lists_approvals
        ]

    # -- follow-ups ----------------------------------------------------------------------

    def _answer_pending(
        self,
        text: str,
        raw: str,
        memory: Memory,
        pending: Pending,
        filler: SlotFiller,
        values: dict[str, Any],
    ) -> PlanResult | None:
        """``text`` as the answer to the question asked last; ``raw`` is the answer as typed,
        for a question that asked for words (a note's text): those are taken as they are."""
        skill = self.skills.get(pending.skill)
        if skill is None or self._moved_on(text, pending, filler):
            return None
        slot = skill.slot(pending.missing)
        value: Any = None
        if pending.options:
            option = choose(text, pending.options)
            if option is not None and slot is not None and slot.type in RECORD_KINDS:
                value = filler.fetch(slot.type, option)
            elif option is not None:
                value = option
        elif slot is not None and slot.type == "text":
            value = raw.strip()
        elif slot is not None:
            value = filler.value_from_answer(slot, text, memory)
        if value is None or (isinstance(value, str) and not value):
            if self.classifier.rank(filler.masked(text))[0].score >= self.threshold:
                return None  # not an answer: the user moved on to something else
            options = list(pending.options.values())
            ask = _question_for(skill, pending.missing)
            return PlanResult(output=Clarify(question=ask, options=options), memory=memory)
        memory.pending = None
        # "INV-2038, 20 bucks": an answer may settle more than what was asked. One that
        # picked an option by its place ("the 2nd") says nothing else ("2" is no amount).
        by_place = bool(pending.options) and not _names_kind(text, slot)
        said = (
            pending.text
            if by_place or slot is None or slot.type == "text"
            else (f"{pending.text} {text}")
        )
        given = {**pending.slots, pending.missing: value}
        if not by_place and slot is not None and slot.type != "text":
            given = self._named_in_answer(skill, text, given, filler)
        if slot is not None and slot.type == "text":
            # Words asked for are data, but "…, make it high priority" still says a choice.
            rivals = [s for s in skill.slots if s.type == "choice"]
            for choice in rivals:
                if choice.name not in given and (picked := chosen(choice, text, rivals)):
                    given[choice.name] = picked
        request = _Request(skill, said, 1.0, given)
        return self._build([request], pending.message, memory, filler, values)

    @staticmethod
    def _named_in_answer(
        skill: Skill, text: str, given: dict[str, Any], filler: SlotFiller
    ) -> dict[str, Any]:
        """``given``, with the customer or records the answer names itself: "lower bayside's
        limit to 8000", answering "what should the new limit be?" about Kestrel, is about
        Bayside. A named entity always beats the one the question was about; another
        customer's records are then found again."""
        said = extract(text)
        named = dict(given)
        for slot in skill.slots:
            if slot.type != "account" and slot.type not in RECORD_KINDS:
                continue
            new = filler.correction(slot, text, said, given.get(slot.name))
            if isinstance(new, dict) and new.get("id") != _id_of(given.get(slot.name)):
                named[slot.name] = new
        moved = {s.type for s in skill.slots if named.get(s.name) is not given.get(s.name)}
        if "account" in moved:
            for slot in skill.slots:
                if slot.type in RECORD_KINDS and slot.type not in moved:
                    named.pop(slot.name, None)
        return named

    def _moved_on(self, text: str, pending: Pending, filler: SlotFiller) -> bool:
        """A sentence that clearly asks for something else is not an answer, even if it
        names a record ("what's the status of SO-1063?" after "which order?")."""
        if len(text.split()) < 4:
            return False
        slot = self.skills[pending.skill].slot(pending.missing)
        answers = not is_question(text) and not self._commands(text)
        if answers and _names_kind(text, slot):
            return False  # "INV-2038, 20 bucks, damaged cartons": the invoice asked for
        if answers and pending.options and choose(text, pending.options) is not None:
            return False  # "the pending one, they ordered twice": one of those offered
        top = self.classifier.rank(filler.masked(text))[0]
        return top.skill != pending.skill and top.score >= self.threshold + 0.1

    def _asks_otherwise(self, text: str, memory: Memory, filler: SlotFiller) -> bool:
        """A correction that names another action ("no, I meant cancel it") is a new request,
        not a change to the last one's values."""
        rest = _uncorrected(text)
        if not is_question(rest) and not self._commands(rest):
            return False  # "sorry, wrong one: INV-2131": a value, not another request
        top = self.classifier.rank(filler.masked(text))[0]
        return top.skill not in {last.skill for last in memory.last} and self._actionable(top)

    def _commands(self, text: str) -> bool:
        """Whether ``text`` starts with a verb the skills' requests start with."""
        words = re.findall(r"[a-z]+", _LEAD.sub("", text.lower()))
        return bool(words) and words[0] in self.verbs

    def _correct(
        self, text: str, memory: Memory, filler: SlotFiller, values: dict[str, Any]
    ) -> PlanResult | None:
        """Re-plan the last requests with what the correction changes; None if nothing does."""
        said = extract(text, bare_numbers_are_money=True)
        requests: list[_Request] = []
        changed: set[str] = set()
        for last in memory.last:
            skill = self.skills.get(last.skill)
            if skill is None:
                return None
            given = dict(last.slots)
            for slot in skill.slots:
                # One correction changes one value: in the first request with a matching slot.
                if slot.type in changed:
                    continue
                new = filler.correction(slot, text, said, given.get(slot.name))
                if new is not None:
                    given[slot.name] = new
                    changed.add(slot.type)
            requests.append(_Request(skill, last.text, 1.0, given))
        if not changed:
            return None
        if changed - {"account", "money"} and "account" not in changed:
            # Another invoice or order may be another customer's: theirs is found again.
            for request in requests:
                for slot in request.skill.slots:
                    if slot.type == "account":
                        request.given.pop(slot.name, None)
        return self._build(requests, memory.last[0].message, memory, filler, values)

    def _why(
        self, text: str, raw: str, memory: Memory, filler: SlotFiller, values: dict[str, Any]
    ) -> PlanResult | None:
        """At a confirmation, a plain sentence that asks for nothing and names no record,
        customer or amount ("customer doesn't need the gloves anymore") says why: it is the
        waiting request's own words (its reason), where those were only its wording."""
        if is_question(text) or takes_back(text) or _CHANGE.match(text) or self._commands(text):
            return None  # "no scrap that, they want it after all" takes it back
        said = extract(text)
        if (
            any(said.ids.values())
            or said.amounts
            or name_candidates(text, filler.records.accounts())
        ):
            return None
        requests: list[_Request] = []
        told = False
        for last in memory.last:
            skill = self.skills.get(last.skill)
            if skill is None:
                return None
            given = dict(last.slots)
            words = [
                s for s in skill.slots if s.type == "text" and s.name not in given and s.default
            ]
            if words and not told:
                given[words[0].name] = raw.strip()
                told = True
            requests.append(_Request(skill, last.text, 1.0, given))
        if not told:
            return None
        return self._build(requests, memory.last[0].message, memory, filler, values)

    # -- planning ------------------------------------------------------------------------

    def _build(
        self,
        requests: list[_Request],
        message: str,
        memory: Memory,
        filler: SlotFiller,
        values: dict[str, Any],
    ) -> PlanResult:
        context = extract(split_payload(message, self.cues).head)
        planned: list[PlanPart] = []
        last: list[LastRequest] = []
        queue = list(requests)
        while queue:
            request = queue.pop(0)
            skill = request.skill
            # Records settled by earlier requests carry over ("refund them and note it").
            before = planned[-1].values if planned else {}
            named = extract(request.text).ids
            carried = {
                k: v for k, v in before.items() if k in RECORD_KINDS and v and not named.get(k)
            }
            given = {**carried, **request.given}
            # "…and note it": what the earlier requests do, as planned now (after corrections).
            earlier = "; ".join(step.description for part in planned for step in part.steps)
            filling = filler.fill(
                skill, request.text, context, memory, given, message, {**values, "earlier": earlier}
            )
            heard = Heard(text=mask_ids(filler.masked(request.text)), skill=skill.name)
            if filling.problem:
                # Understood, and answered by what the records say ("already cancelled").
                memory.heard = heard
                return PlanResult(output=DirectReply(text=filling.problem), memory=memory)
            if filling.question and (each := _for_each(skill, request, filling, filler)):
                # "reminders for everything they owe": the request once for each of them.
                queue[:0] = each
                continue
            if filling.question:
                memory.pending = Pending(
                    skill=skill.name,
                    text=request.text,
                    message=message,
                    slots=_settled(skill, filling),
                    missing=filling.question.slot,
                    options=filling.question.options,
                )
                options = list(filling.question.options.values())
                clarify = Clarify(question=filling.question.text, options=options)
                return PlanResult(output=clarify, memory=memory)
            refusal = _refusal(skill, {**values, **filling.values})
            if refusal:
                memory.heard = heard
                return PlanResult(output=DirectReply(text=refusal), memory=memory)
            planned.append(self._part(skill, {**values, **filling.values}))
            settled = _settled(skill, filling)
            last.append(
                LastRequest(
                    skill=skill.name,
                    text=request.text,
                    message=message,
                    slots=settled,
                    matched=mask_ids(filler.masked(_uncorrected(request.text))),
                )
            )
        memory.last = last
        for part in planned:
            for kind in RECORD_KINDS:
                record = part.values.get(kind)
                if isinstance(record, dict) and "id" in record:
                    memory.refs[kind] = str(record["id"])
        understood = "; then ".join(step.description for part in planned for step in part.steps)
        # A similarity, nudged by the trained model (``intents``): shown as a share, so at most 1.
        confidence = min(1.0, *(request.score for request in requests))
        plan = Plan(understood=understood, confidence=round(confidence, 3), parts=planned)
        return PlanResult(output=plan, memory=memory)

    def _part(self, skill: Skill, values: dict[str, Any]) -> PlanPart:
        account = values.get("account")
        tier = account.get("tier") if isinstance(account, dict) else None
        steps = []
        for step in skill.steps:
            if step.when and not truthy(step.when, values):
                continue
            args = {name: render(t, values) for name, t in step.args.items()}
            steps.append(
                PlannedStep(
                    name=step.name,
                    tool=step.tool,
                    args={name: value for name, value in args.items() if value != ""},
                    description=render(step.describe, values),
                    account_tier=tier,
                )
            )
        return PlanPart(skill=skill.name, steps=steps, reply=skill.reply, values=values)


_BACK = re.compile(r"\b(?:it|its|them|their|theirs|they|that one|this one|those|him|her)\b", re.I)
_ORDINAL = re.compile(
    r"\bthe\s+(?:first|second|third|fourth|fifth|last|\d(?:st|nd|rd|th))(?:\s+one)?\b", re.I
)


def _this_is(request: str, pasted: str, accounts: list[dict[str, Any]]) -> str:
    """``request`` with what it points at in ``pasted`` named: its "this" or "it" as the one
    record the e-mail names ("can u check where this is at" under an e-mail about SO-1063),
    its "their"/"them" as the one customer it names ("add a note to their account")."""
    if any(extract(request).ids.values()):
        return request
    named = {i for ids in extract(pasted).ids.values() for i in ids}
    if len(named) == 1:
        request = _THIS.sub(named.pop(), request, count=1)
    customers = name_candidates(pasted, accounts)
    if len(customers) == 1 and not name_candidates(request, accounts):
        name = str(customers[0]["name"])
        request = THEIR.sub(lambda m: f"{name}'s" if m.group(0).lower() == "their" else name,
                             request, count=1)  # fmt: skip
    return request


def _restates(text: str, memory: Memory) -> bool:
    """Whether ``text`` names only records the last request is about ("the pending one,
    SO-1090 - they ordered it twice" while its cancellation waits): it says more about that
    request, it does not ask for another."""
    named = {i.upper() for ids in extract(text).ids.values() for i in ids}
    about = {
        str(value["id"]).upper()
        for last in memory.last
        for value in last.slots.values()
        if isinstance(value, dict) and "id" in value
    }
    return bool(named) and named <= about


def _names_kind(text: str, slot: Slot | None) -> bool:
    """Whether ``text`` names a record of the kind ``slot`` asks for, by its id."""
    return slot is not None and bool(extract(text).ids.get(slot.type))


def _points_back(text: str, memory: Memory) -> bool:
    """Whether ``text`` points at a record of the conversation: "the 2nd one" of the last
    list shown, or "their"/"it" with something talked about."""
    longest = max((len(ids) for ids in memory.shown.values()), default=0)
    if longest and position(text, longest) is not None:
        return True
    return bool(memory.refs) and bool(_BACK.search(text))


def _pointed_at(memory: Memory) -> str:
    """What "the 2nd one" stands for in the last list shown ("the invoice"), for matching."""
    kinds = list(memory.shown)
    return f"the {kinds[0]}" if len(kinds) == 1 else r"\g<0>"


def _each_record(request: _Request) -> list[_Request]:
    """ "status of SO-1063 and SO-1064": the same request once for each record it names."""
    said = extract(request.text)
    kinds = [s.type for s in request.skill.slots if s.type in RECORD_KINDS]
    for kind in kinds:
        ids = list(dict.fromkeys(said.ids.get(kind, [])))
        if len(ids) < 2:
            continue
        pattern = re.compile(
            "|".join(rf"\b{re.escape(i.split('-')[0])}[-\s]?{i.split('-')[1]}\b" for i in ids), re.I
        )

        def only(keep: str, pattern: re.Pattern[str] = pattern) -> str:
            text = request.text
            return pattern.sub(lambda m: m.group(0) if _same_id(m.group(0), keep) else "", text)

        # "refund 15 on INV-2038 and 25 on INV-2131": one amount for each, in the same order.
        amounts = extract(request.text, bare_numbers_are_money=True).amounts
        money = next((s.name for s in request.skill.slots if s.type == "money"), None)
        paired = money is not None and len(amounts) == len(ids)
        return [
            _Request(
                request.skill,
                only(record_id),
                request.score,
                {**request.given, **({money: str(amounts[n])} if money and paired else {})},
            )
            for n, record_id in enumerate(ids)
        ]
    return [request]


def _for_each(
    skill: Skill, request: _Request, filling: Filling, filler: SlotFiller
) -> list[_Request]:
    """The request once for each record a question would offer, when it asks for all of
    them ("everything they owe", "both", "each of their open orders"); else none."""
    question = filling.question
    slot = skill.slot(question.slot) if question else None
    if question is None or slot is None or slot.type not in RECORD_KINDS:
        return []
    if not question.options or not _EVERY.search(request.text):
        return []
    records = [filler.fetch(slot.type, record_id) for record_id in question.options]
    return [
        _Request(skill, request.text, request.score, {**request.given, slot.name: record})
        for record in records
        if record is not None
    ]


def _leads(skill: Skill) -> set[str]:
    """The words ``skill``'s examples start with: its verbs, mostly."""
    return {e.split()[0].lower().strip(",.:") for e in skill.examples} - _NOT_VERBS


def _id_of(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def _same_id(found: str, record_id: str) -> bool:
    return re.sub(r"[-\s]", "", found).upper() == record_id.replace("-", "")


def _settled(skill: Skill, filling: Filling) -> dict[str, Any]:
    """The values to remember; defaults are not: they are derived again on every change."""
    return {
        s.name: filling.values[s.name]
        for s in skill.slots
        if filling.values.get(s.name) is not None and s.name not in filling.defaulted
    }


def _refusal(skill: Skill, values: dict[str, Any]) -> str | None:
    """What the first of the skill's checks that applies says, if one does."""
    for check in skill.checks:
        if truthy(check.when, values):
            return render(check.say, values, strict=False)
    return None


def _question_for(skill: Skill, slot_name: str) -> str:
    slot = skill.slot(slot_name)
    return (slot.ask if slot and slot.ask else None) or f"Which {slot_name.replace('_', ' ')}?"
