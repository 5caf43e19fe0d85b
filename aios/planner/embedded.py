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

from aios.planner.choices import choose
from aios.planner.entities import extract, mask_ids
from aios.planner.intents import IntentClassifier, IntentScore
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
from aios.planner.records import Records
from aios.planner.skills import Skill
from aios.planner.slots import RECORD_KINDS, Filling, SlotFiller
from aios.planner.templates import render, truthy

# A new request starts where an action verb follows "and", "then", ";" or a full stop.
_VERBS = (
    r"refund|note|add|log|open|create|escalate|close|cancel|change|update|send|remind|set|raise"
    r"|lower|find|show|list|check|look|tell|give|ship|email|call"
)
_SPLIT = re.compile(
    rf"(?:[;.]|,?\s+(?:and|then|also|plus)(?:\s+then)?)\s+(?=(?:please\s+)?(?:{_VERBS})\b)", re.I
)
_CORRECTION = re.compile(
    r"^\s*(no|nope|not that|actually|sorry|wait|oops|make it|change it|instead|i meant)\b", re.I
)
MAX_TEXT = 2000


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


def split_requests(text: str) -> list[str]:
    return [part.strip(" ,.;") for part in _SPLIT.split(text) if part.strip(" ,.;")]


class EmbeddedPlanner:
    def __init__(
        self,
        skills: Sequence[Skill],
        classifier: IntentClassifier,
        *,
        threshold: float = 0.45,
    ) -> None:
        self.skills = {skill.name: skill for skill in skills}
        self.classifier = classifier
        self.threshold = threshold

    def plan(self, request: PlanRequest, tools: ReadTools) -> PlanResult:
        text = request.text.strip()
        memory = request.memory.model_copy(deep=True)
        memory.heard = None
        if not text:
            return PlanResult(output=Clarify(question="What can I do for you?"), memory=memory)
        if len(text) > MAX_TEXT:
            too_long = DirectReply(text=f"That message is too long (over {MAX_TEXT} characters).")
            return PlanResult(output=too_long, memory=memory)
        filler = SlotFiller(Records(tools))
        values = {"user": request.user, "role": request.role}
        if memory.pending is not None:
            answered = self._answer_pending(text, memory, memory.pending, filler, values)
            if answered is not None:
                return answered
        if memory.last and is_correction(text) and not self._asks_otherwise(text, memory, filler):
            corrected = self._correct(text, memory, filler, values)
            if corrected is not None:
                return corrected
        return self._new_request(text, memory, filler, values)

    def skill_of(self, text: str, tools: ReadTools) -> str | None:
        """The skill one request is matched to, or None when no skill is near enough."""
        top = self.classifier.rank(SlotFiller(Records(tools)).masked(text))[0]
        return top.skill if top.score >= self.threshold else None

    # -- understanding -------------------------------------------------------------------

    def _new_request(
        self, text: str, memory: Memory, filler: SlotFiller, values: dict[str, Any]
    ) -> PlanResult:
        memory.pending = None
        clauses = split_requests(text)
        texts = [text, *clauses] if len(clauses) > 1 else [text]
        ranked = self.classifier.rank_many([filler.masked(t) for t in texts])
        whole = ranked[0][0]
        parts = [(text, whole)]
        if len(clauses) > 1:
            tops = [scores[0] for scores in ranked[1:]]
            if all(self._actionable(top) for top in tops):
                parts = list(zip(clauses, tops, strict=True))
        if whole.score < self.threshold and len(parts) == 1:
            memory.heard = Heard(text=mask_ids(filler.masked(text)), skill=None)
            return PlanResult(output=self._fallback(text), memory=memory)
        skill = self.skills[parts[0][1].skill]
        if not skill.steps:
            memory.heard = Heard(text=mask_ids(filler.masked(text)), skill=skill.name)
        if skill.answer_from_knowledge:
            return PlanResult(output=KnowledgeQuery(question=text), memory=memory)
        if skill.lists_approvals:
            return PlanResult(output=ApprovalsQuery(), memory=memory)
        if not skill.steps:
            reply = DirectReply(text=render(skill.reply, {**values, "skills": self._catalogue()}))
            return PlanResult(output=reply, memory=memory)
        requests = [_Request(self.skills[s.skill], clause, s.score) for clause, s in parts]
        return self._build(requests, text, memory, filler, values)

    def _actionable(self, score: IntentScore) -> bool:
        skill = self.skills[score.skill]
        return score.score >= self.threshold and bool(skill.steps)

    def _fallback(self, text: str) -> PlannerOutput:
        if text.rstrip().endswith("?") or re.match(
            r"^(how|what|when|who|why|can|do|is|are|where)\b", text, re.I
        ):
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
        memory: Memory,
        pending: Pending,
        filler: SlotFiller,
        values: dict[str, Any],
    ) -> PlanResult | None:
        skill = self.skills.get(pending.skill)
        if skill is None or self._moved_on(text, pending, filler):
            return None
        slot = skill.slot(pending.missing)
        value: Any = None
        if pending.options:
            chosen = choose(text, pending.options)
            if chosen is not None and slot is not None and slot.type in RECORD_KINDS:
                value = filler.fetch(slot.type, chosen)
            elif chosen is not None:
                value = chosen
        elif slot is not None:
            value = filler.value_from_answer(slot, text, memory)
        if value is None or (isinstance(value, str) and not value):
            if self.classifier.rank(filler.masked(text))[0].score >= self.threshold:
                return None  # not an answer: the user moved on to something else
            options = list(pending.options.values())
            ask = _question_for(skill, pending.missing)
            return PlanResult(output=Clarify(question=ask, options=options), memory=memory)
        memory.pending = None
        request = _Request(skill, pending.text, 1.0, {**pending.slots, pending.missing: value})
        return self._build([request], pending.message, memory, filler, values)

    def _moved_on(self, text: str, pending: Pending, filler: SlotFiller) -> bool:
        """A sentence that clearly asks for something else is not an answer, even if it
        names a record ("what's the status of SO-1063?" after "which order?")."""
        if len(text.split()) < 4:
            return False
        top = self.classifier.rank(filler.masked(text))[0]
        return top.skill != pending.skill and top.score >= self.threshold + 0.1

    def _asks_otherwise(self, text: str, memory: Memory, filler: SlotFiller) -> bool:
        """A correction that names another action ("no, I meant cancel it") is a new request,
        not a change to the last one's values."""
        top = self.classifier.rank(filler.masked(text))[0]
        return top.skill not in {last.skill for last in memory.last} and self._actionable(top)

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
        context = extract(message)
        planned: list[PlanPart] = []
        last: list[LastRequest] = []
        for request in requests:
            skill = request.skill
            # Records settled by earlier requests carry over ("refund them and note it").
            earlier = planned[-1].values if planned else {}
            carried = {k: v for k, v in earlier.items() if k in RECORD_KINDS and v}
            given = {**carried, **request.given}
            filling = filler.fill(skill, request.text, context, memory, given, message)
            if filling.problem:
                return PlanResult(output=DirectReply(text=filling.problem), memory=memory)
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
        confidence = min(request.score for request in requests)
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


def _settled(skill: Skill, filling: Filling) -> dict[str, Any]:
    return {
        s.name: filling.values[s.name]
        for s in skill.slots
        if filling.values.get(s.name) is not None
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
