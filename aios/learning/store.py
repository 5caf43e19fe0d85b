"""The learning loop's persistence: skill runs, candidate examples, open observations."""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Callable, Collection, Iterable
from datetime import datetime, timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from aios.db import open_database
from aios.learning.models import Example, Kind, RunReport, Said, SkillStats, Status
from aios.learning.signals import adds_to, confirmed_by_requester, said_in_words
from aios.learning.tables import ExampleRow, ObservationRow, SkillRunRow
from aios.learning.writer import Writer
from aios.planner.entities import mask_ids
from aios.settings import Settings
from connectors.clock import as_utc, utc_now

REPHRASE_WITHIN = timedelta(minutes=15)
"""How soon a request that worked must follow one that did not for the two to be linked."""
_REVIEW_ORDER = {"corrected": 0, "rejected": 1, "confirmed": 2}


class LearningStore:
    def __init__(
        self,
        engine: Engine,
        known: Iterable[tuple[str, str]] = (),
        clock: Callable[[], datetime] = utc_now,
        writer: Writer | None = None,
        vocabulary: Collection[str] = frozenset(),
    ) -> None:
        """``known`` are the skills' own (skill, example) pairs: they are not learnt again.
        With a ``writer``, what conversations report is written on its thread, and every read
        of examples and figures first waits for what this process reported before.
        ``vocabulary`` tells words from gibberish, which is never learnt."""
        self.engine = engine
        self.clock = clock
        self.writer = writer
        self.vocabulary = vocabulary
        self._known = {(skill, _key(text)) for skill, text in known}

    def _later(self, write: Callable[[Session], None]) -> None:
        if self.writer is not None:
            self.writer.submit(write)
            return
        with Session(self.engine) as session:
            write(session)
            session.commit()

    def _settled(self) -> None:
        if self.writer is not None:
            self.writer.drain()

    # -- from conversations --------------------------------------------------------------

    def record(self, report: RunReport) -> None:
        """Keep what a run says about its skills, in one transaction."""
        now = self.clock()
        self._later(lambda session: self._record(session, report, now))

    def _record(self, session: Session, report: RunReport, now: datetime) -> None:
        self._runs(session, report, now)
        if report.outcome == "completed" and report.requests:
            self._link(session, report, now)
            for said in report.requests:
                self._candidate(session, said.skill, "confirmed", said.text, report, now)
            if len(report.requests) == 1 and report.requests[0].text:
                said = report.requests[0]
                self._observe(session, report, said.text, said.skill, now, settled=True)
        elif report.heard is not None:
            # A question answered from the documents may have been a request in other
            # words: only a correction says so. One that matched nothing surely was.
            was = report.heard.skill or None
            self._observe(session, report, report.heard.text, was, now, settled=bool(was))

    def turned_down(
        self, session_id: str, user: str, turn: str, requests: list[Said], *, changed: bool
    ) -> None:
        """The requester said no to a plan, or (``changed``) said what they want instead. A
        plain no is a hard example against the plan's skill; either way, a request of theirs
        that works out next is what they meant."""
        now = self.clock()
        self._later(
            lambda session: self._turned_down(
                session, session_id, user, turn, requests, changed, now
            )
        )

    def _turned_down(
        self,
        session: Session,
        session_id: str,
        user: str,
        turn: str,
        requests: list[Said],
        changed: bool,
        now: datetime,
    ) -> None:
        report = RunReport(session_id=session_id, user=user, turn=turn, outcome="cancelled")
        if not changed:
            for said in requests:
                self._candidate(session, said.skill, "rejected", said.text, report, now)
        if requests and requests[0].text:
            self._observe(session, report, requests[0].text, requests[0].skill, now)
        for row in self._rows(session, session_id, turn):
            row.corrected = row.corrected or changed
            row.rejected = row.rejected or not changed
            session.add(row)

    def _runs(self, session: Session, report: RunReport, now: datetime) -> None:
        if report.turn is None:
            return
        rows = {row.part: row for row in self._rows(session, report.session_id, report.turn)}
        for part, said in enumerate(report.requests):
            row = rows.get(part) or SkillRunRow(
                session_id=report.session_id,
                turn=report.turn,
                part=part,
                skill=said.skill,
                outcome=report.outcome,
                latency_ms=report.latency_ms or 0.0,
                at=now,
            )
            row.outcome = report.outcome
            row.rejected = row.rejected or report.answer == "reject"
            session.add(row)

    def _rows(self, session: Session, session_id: str, turn: str) -> list[SkillRunRow]:
        query = select(SkillRunRow).where(
            col(SkillRunRow.session_id) == session_id, col(SkillRunRow.turn) == turn
        )
        return list(session.exec(query))

    def _candidate(
        self,
        session: Session,
        skill: str,
        kind: Kind,
        text: str,
        report: RunReport,
        now: datetime,
        was: str | None = None,
    ) -> None:
        if not said_in_words(text, self.vocabulary) or (
            kind != "rejected" and (skill, _key(text)) in self._known
        ):
            return
        ident = example_id(skill, kind, text)
        row = session.get(ExampleRow, ident)
        if row is not None:
            row.seen += 1
            session.add(row)
            return
        session.add(
            ExampleRow(
                id=ident,
                skill=skill,
                kind=kind,
                was=was,
                text=text,
                confidence=report.confidence if kind == "confirmed" else None,
                status="candidate",
                session_id=report.session_id,
                created_at=now,
            )
        )
        session.flush()

    def _observe(
        self,
        session: Session,
        report: RunReport,
        text: str,
        was: str | None,
        now: datetime,
        *,
        settled: bool = False,
    ) -> None:
        row = session.get(ObservationRow, report.session_id) or ObservationRow(
            session_id=report.session_id, user=report.user, text=text, at=now
        )
        row.turn, row.user, row.text, row.was = report.turn, report.user, text, was
        row.settled, row.at = settled, now
        session.add(row)

    def _link(self, session: Session, report: RunReport, now: datetime) -> None:
        """The session's last request meant this one's skill (only when this plan has one
        request, or which was meant is a guess): a request that worked, taken back by a
        correction, becomes a hard example against the skill it was taken for."""
        observed = session.get(ObservationRow, report.session_id)
        if observed is None:
            return
        session.delete(observed)
        session.flush()
        said = report.requests[0]
        # A settled answer is taken back only by a correction (a follow-up adds to it); a plan
        # turned down, by the request that works next; a message nothing matched, only by a
        # correction or a request the person then confirmed: anything else after it is the
        # next piece of work.
        taken_back = report.correction and not adds_to(report.text)
        turned_down = not observed.settled and observed.was is not None
        unanswered = not observed.settled and observed.was is None
        meant = taken_back or turned_down or (unanswered and confirmed_by_requester(report))
        if (
            len(report.requests) != 1
            or observed.user != report.user
            or now - as_utc(observed.at) > REPHRASE_WITHIN
            or not meant
            or not said_in_words(observed.text, self.vocabulary)
            or _key(observed.text) == _key(said.text)
        ):
            return
        self._candidate(session, said.skill, "corrected", observed.text, report, now, observed.was)
        for row in self._rows(session, report.session_id, observed.turn or ""):
            row.corrected = True
            session.add(row)
        if observed.settled and observed.was and observed.was != said.skill:
            taken = session.get(ExampleRow, example_id(observed.was, "confirmed", observed.text))
            if taken is not None and taken.status == "candidate":
                session.delete(taken)
            self._candidate(session, observed.was, "rejected", observed.text, report, now)

    # -- for reviewers -------------------------------------------------------------------

    def examples(
        self, status: Status | None = None, skill: str | None = None, limit: int = 200
    ) -> list[Example]:
        """Examples, the most telling first: corrections, then rejections, then confirmations
        the planner was least sure of."""
        self._settled()
        query = select(ExampleRow)
        if status is not None:
            query = query.where(col(ExampleRow.status) == status)
        if skill is not None:
            query = query.where(col(ExampleRow.skill) == skill)
        with Session(self.engine) as session:
            rows = list(session.exec(query))
        rows.sort(key=lambda r: (_REVIEW_ORDER[r.kind], r.confidence or 0.0, -r.seen, r.id))
        return [Example.model_validate(row, from_attributes=True) for row in rows[:limit]]

    def get(self, ident: str) -> Example | None:
        self._settled()
        with Session(self.engine) as session:
            row = session.get(ExampleRow, ident)
            return None if row is None else Example.model_validate(row, from_attributes=True)

    def review(self, ident: str, status: Status, reviewer: str) -> Example:
        with Session(self.engine) as session:
            row = session.get(ExampleRow, ident)
            if row is None:
                raise KeyError(ident)
            row.status, row.reviewed_by, row.reviewed_at = status, reviewer, self.clock()
            session.add(row)
            session.commit()
            session.refresh(row)
            return Example.model_validate(row, from_attributes=True)

    def version(self) -> tuple[int, datetime | None]:
        """Changes whenever an example is accepted or one accepted is dismissed: one cheap
        query, so the planner can ask before every message (in every worker)."""
        query = select(func.count(), func.max(col(ExampleRow.reviewed_at))).where(
            col(ExampleRow.status) == "accepted"
        )
        with Session(self.engine) as session:
            count, newest = session.exec(query).one()
        return int(count), newest

    def accepted(self) -> list[Example]:
        return self.examples(status="accepted", limit=100_000)

    def skill_stats(self, since: datetime | None = None) -> list[SkillStats]:
        self._settled()
        query = select(SkillRunRow)
        if since is not None:
            query = query.where(col(SkillRunRow.at) >= since)
        with Session(self.engine) as session:
            rows = list(session.exec(query))
        by_skill: dict[str, list[SkillRunRow]] = {}
        for row in rows:
            by_skill.setdefault(row.skill, []).append(row)
        return [
            SkillStats(
                skill=skill,
                runs=len(runs),
                succeeded=sum(r.outcome == "completed" for r in runs),
                corrections=sum(r.corrected for r in runs),
                rejections=sum(r.rejected for r in runs),
                median_latency_ms=round(statistics.median(r.latency_ms for r in runs), 1),
            )
            for skill, runs in sorted(by_skill.items())
        ]

    def latency_by_hour(self, since: datetime) -> dict[datetime, list[float]]:
        """What operators waited for each planned turn from ``since`` on, by the hour (UTC)
        the turn was recorded in. A plan's requests share their turn's wait: a turn counts
        once, however many requests its plan has."""
        self._settled()
        query = select(
            SkillRunRow.session_id, SkillRunRow.turn, SkillRunRow.latency_ms, SkillRunRow.at
        ).where(col(SkillRunRow.at) >= since)
        with Session(self.engine) as session:
            rows = session.exec(query).all()
        turns = {(ident, turn): (latency, at) for ident, turn, latency, at in rows}
        by_hour: dict[datetime, list[float]] = {}
        for latency, at in turns.values():
            hour = as_utc(at).replace(minute=0, second=0, microsecond=0)
            by_hour.setdefault(hour, []).append(latency)
        return by_hour


def example_id(skill: str, kind: str, text: str) -> str:
    """The same utterance learnt the same way is one example, however often it is said."""
    digest = hashlib.sha256(f"{skill}\n{kind}\n{_key(text)}".encode()).hexdigest()
    return f"LX-{digest[:10].upper()}"


def _key(text: str) -> str:
    return " ".join(mask_ids(text).lower().split())


def open_learning(
    settings: Settings,
    known: Iterable[tuple[str, str]] = (),
    *,
    background: bool = False,
    vocabulary: Collection[str] = frozenset(),
) -> LearningStore:
    """The store in aios' state database; ``background``: conversations' reports are written
    off their turns' critical path (a serving process)."""
    engine = open_database(settings, "state")
    writer = Writer(engine) if background else None
    return LearningStore(engine, known, writer=writer, vocabulary=vocabulary)
