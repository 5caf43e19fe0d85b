"""The audit trail: append events to the hash chain, read them back, verify it, export it."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, distinct, func, insert, or_, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from aios.audit._canonical import GENESIS, HASHED_FIELDS, json_text, row_hash, timestamp_text
from aios.audit._pages import pages
from aios.audit.errors import AuditUnavailable
from aios.audit.export import ExportFormat, export_lines
from aios.audit.head import HeadStore
from aios.audit.models import AuditEvent, AuditRecord, ChainHead, VerifyReport
from aios.audit.table import AUDIT_TABLE, START_TABLE
from aios.audit.verify import verify_chain
from aios.migrations import upgrade

# Any fixed 64-bit number works; it only has to be the same in every process.
_PG_LOCK_KEY = 0x6A105_A0D17
# Only reached on a backend without a lock below, when two writers raced for the same seq.
_ATTEMPTS = 5
log = logging.getLogger(__name__)


@dataclass
class _Held:
    trail: AuditTrail
    events: list[AuditEvent] = field(default_factory=list)


# Per context, so that each graph node (one thread each) holds only its own rows.
_HELD: ContextVar[_Held | None] = ContextVar("aios_audit_held", default=None)


def flush_held() -> None:
    """Append the rows held in this context now; AuditUnavailable when they cannot be."""
    held = _HELD.get()
    if held is not None and held.events:
        held.trail.append_many([])


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class AuditFilter:
    """Which records a search returns; every condition given must hold."""

    user: str | None = None
    """Who acted, or on whose behalf."""
    account: str | None = None
    """Records naming the account as an ``account_id``, in their arguments or result."""
    tool: str | None = None
    decision: str | None = None
    """allow, confirm, approve or deny, in any case."""
    kind: str | None = None
    since: datetime | None = None
    """Records that happened from then on; a naive time is taken as UTC."""
    steps: tuple[str, ...] = ()
    """Records of one of these steps (graph nodes)."""
    unanswered_by: tuple[str, ...] = ()
    """Records that no later record of one of these kinds, of the same session and tool,
    follows: a decision nobody answered yet, a write whose outcome was never recorded."""

    def conditions(self) -> list[ColumnElement[bool]]:
        c = AUDIT_TABLE.c
        found: list[ColumnElement[bool]] = []
        if self.user is not None:
            found.append(or_(c.actor == self.user, c.on_behalf_of == self.user))
        if self.account is not None:
            # The columns hold canonical JSON, so a key and its value always read the same.
            # icontains: SQLite's LIKE ignores ASCII case and PostgreSQL's does not; this
            # ignores it on both, and autoescape keeps the _ in account_id literal.
            named = f'"account_id":{json_text(self.account)}'
            found.append(
                or_(
                    c.arguments.icontains(named, autoescape=True),
                    c.result.icontains(named, autoescape=True),
                )
            )
        if self.tool is not None:
            found.append(c.tool == self.tool)
        if self.decision is not None:
            found.append(func.lower(c.policy_decision) == self.decision.lower())
        if self.kind is not None:
            found.append(c.kind == self.kind)
        if self.since is not None:
            # Fixed-width ISO text in UTC sorts as the moments it names.
            found.append(c.occurred_at >= timestamp_text(self.since))
        if self.steps:
            found.append(c.step.in_(self.steps))
        if self.unanswered_by:
            later = AUDIT_TABLE.alias("later")
            answer = select(later.c.seq).where(
                later.c.session_id == c.session_id,
                later.c.tool == c.tool,
                later.c.seq > c.seq,
                later.c.kind.in_(self.unanswered_by),
            )
            found.append(~answer.exists())
        return found


def viewed(records: Iterable[AuditRecord], view: Callable[[Any], Any]) -> Iterator[AuditRecord]:
    """``records`` with ``view`` (e.g. masking for a reader's role) applied to each one's
    arguments and result."""
    return (
        r.model_copy(update={"arguments": view(r.arguments), "result": view(r.result)})
        for r in records
    )


class AuditTrail:
    """An append-only, hash-chained log of what the assistant did and why.

    ``head`` keeps the newest (seq, hash) outside the table so that verify notices deleted
    newest rows; pass None only where truncation need not be detected (some tests, benchmarks).
    """

    def __init__(
        self,
        engine: Engine,
        head: HeadStore | None,
        *,
        clock: Callable[[], datetime] = utc_now,
        page_size: int = 5000,
    ) -> None:
        self.engine = engine
        self.head = head
        self.clock = clock
        self.page_size = page_size
        # Threads of one process queue here rather than on the database lock: SQLite's busy
        # handler polls with sleeps of up to 100 ms, so contended appends crawl without this.
        self._append_lock = threading.Lock()

    def create_tables(self) -> None:
        """Bring the state database, the trail's table among its others, to its newest schema;
        a trail begun here for the first time gets its head of seq 0."""
        with _unavailable("create"):
            upgrade(self.engine, "state")
            self._begin()

    def _begin(self) -> None:
        """Record, once, that a trail was begun in this database, and give a new, empty one
        the head of seq 0: from then on an empty table without a head means deleted rows."""
        with self.engine.begin() as conn:
            _take_turn(conn)
            if conn.execute(select(START_TABLE.c.id)).first() is not None:
                return
            empty = conn.execute(select(AUDIT_TABLE.c.seq).limit(1)).first() is None
            if empty and self.head is not None:
                try:
                    if self.head.read() is None:
                        self.head.write(ChainHead(seq=0, hash=GENESIS))
                except ValueError:
                    pass  # a damaged or forged head is verify's to report, not ours to replace
                except OSError:
                    # Not begun: the next process to open the trail tries again, and appends
                    # report the head they cannot save.
                    log.warning("could not save the new audit trail's head", exc_info=True)
                    return
            # The wall clock, not ``clock``: the trail's clock times rows alone (tests count on it).
            conn.execute(insert(START_TABLE).values(id=1, started_at=timestamp_text(utc_now())))

    def append(self, event: AuditEvent) -> AuditRecord:
        """Record ``event`` as the newest row; AuditUnavailable when it cannot be recorded.

        A tool invoker appends ``tool.requested`` before a write and refuses the write when
        that raises, then appends ``tool.succeeded`` or ``tool.failed``.
        """
        return self.append_many([event])[0]

    def append_many(self, events: Sequence[AuditEvent]) -> list[AuditRecord]:
        """Record ``events`` in order, all in one transaction: every one of them or none.

        Rows held in this context (``together``) go first, in the same transaction, so the
        chain keeps the order things happened in; if the append fails they are lost with it.
        """
        held = _HELD.get()
        taken: list[AuditEvent] = []
        if held is not None and held.trail is self:
            taken, held.events = held.events, []
        if not taken and not events:
            return []
        return self._commit([*taken, *events])[len(taken) :]

    @contextmanager
    def together(self) -> Iterator[None]:
        """Inside, ``hold`` keeps rows back to append them in one transaction and one head
        write: with the next ``append`` (ahead of its rows), at ``flush_held`` or at the end of
        the block, also when it ends by an exception (an interrupt is one)."""
        token = _HELD.set(_Held(self))
        try:
            yield
        except BaseException:
            try:
                flush_held()
            except AuditUnavailable:
                log.exception("could not record the audit rows held before an exception")
            raise
        else:
            flush_held()
        finally:
            _HELD.reset(token)

    def hold(self, event: AuditEvent) -> None:
        """Record ``event`` with the next append when inside ``together``, else now. What it
        stands for has already happened (it has no effect still to come), so only its row
        waits; its time is taken now."""
        held = _HELD.get()
        if held is None or held.trail is not self:
            self.append(event)
            return
        if event.occurred_at is None:
            event = event.model_copy(update={"occurred_at": self.clock()})
        held.events.append(event)

    def _commit(self, events: Sequence[AuditEvent]) -> list[AuditRecord]:
        with self._append_lock:
            rows = self._insert(events)
            newest = rows[-1]
            if self.head is not None:
                try:
                    self.head.write(ChainHead(seq=newest["seq"], hash=newest["hash"]))
                except OSError as exc:
                    raise AuditUnavailable(
                        f"recorded up to seq {newest['seq']} but could not save the chain head: "
                        f"{exc}"
                    ) from exc
        return [_record(row) for row in rows]

    def records(
        self, session_id: str | None = None, since_seq: int | None = None
    ) -> Iterator[AuditRecord]:
        """Records in seq order, of one session or all, only those after ``since_seq`` if given."""
        conditions = [] if session_id is None else [AUDIT_TABLE.c.session_id == session_id]
        columns = tuple(AUDIT_TABLE.c)
        with _unavailable("read"):
            for page in pages(self.engine, columns, self.page_size, *conditions, after=since_seq):
                for row in page:
                    yield _record(row._asdict())

    def newest(self, where: AuditFilter, limit: int) -> list[AuditRecord]:
        """The newest ``limit`` records matching ``where``, newest first."""
        query = select(*AUDIT_TABLE.c).where(*where.conditions())
        with _unavailable("read"), self.engine.connect() as conn:
            rows = conn.execute(query.order_by(AUDIT_TABLE.c.seq.desc()).limit(limit)).all()
        return [_record(row._asdict()) for row in rows]

    def by_hour(self, where: AuditFilter, *, appends: bool = False) -> dict[str, int]:
        """How many records matching ``where`` were recorded in each hour, keyed by the hour as
        ISO text (``2026-11-20T14``); with ``appends``, in how many appends they came instead:
        the rows a graph node holds (``together``) arrive in one append, with one recorded_at."""
        c = AUDIT_TABLE.c
        hour = func.substr(c.recorded_at, 1, len("2026-11-20T14"))
        counted = (
            func.count(distinct(c.session_id.concat(c.recorded_at))) if appends else func.count()
        )
        query = select(hour, counted).where(*where.conditions()).group_by(hour)
        with _unavailable("read"), self.engine.connect() as conn:
            return {str(h): int(n) for h, n in conn.execute(query)}

    def verify(self) -> VerifyReport:
        """Re-check every row and link from seq 1, and the newest rows against the saved head."""
        with _unavailable("read"):
            return verify_chain(self.engine, self.head, self.page_size)

    def export(
        self,
        session_id: str,
        fmt: ExportFormat | str,
        view: Callable[[Any], Any] | None = None,
    ) -> Iterator[str]:
        """One session's records as JSON Lines or CSV text, line by line; ``view`` (e.g. masking
        for a reader's role) applies to each record's arguments and result."""
        records = self.records(session_id)
        return export_lines(records if view is None else viewed(records, view), ExportFormat(fmt))

    def _insert(self, events: Sequence[AuditEvent]) -> list[dict[str, Any]]:
        seq_column, hash_column = AUDIT_TABLE.c.seq, AUDIT_TABLE.c.hash
        newest_query = select(seq_column, hash_column).order_by(seq_column.desc()).limit(1)
        for _attempt in range(_ATTEMPTS):
            try:
                # Reading the newest row and inserting after it happen in one transaction that
                # other appenders wait for, so the chain stays one line however many write.
                with self.engine.begin() as conn:
                    _take_turn(conn)
                    newest = conn.execute(newest_query).first()
                    seq, prev = (newest[0], newest[1]) if newest else (0, GENESIS)
                    rows = _chain(events, seq, prev, timestamp_text(self.clock()))
                    conn.execute(insert(AUDIT_TABLE), rows)
                return rows
            except IntegrityError:
                continue
            except SQLAlchemyError as exc:
                raise AuditUnavailable(f"could not write the audit trail: {_cause(exc)}") from exc
        raise AuditUnavailable(f"could not write the audit trail: {_ATTEMPTS} seq conflicts")


def _take_turn(conn: Connection) -> None:
    """Make concurrent appends queue from here until their commit."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    # SQLite needs nothing: make_engine begins every transaction IMMEDIATE, which already holds
    # the database's write lock. Elsewhere the primary key on seq turns a race into an
    # IntegrityError and the append is retried.


def _chain(events: Sequence[AuditEvent], seq: int, prev: str, now: str) -> list[dict[str, Any]]:
    rows = []
    for event in events:
        seq += 1
        row: dict[str, Any] = {
            "seq": seq,
            "prev_hash": prev,
            "recorded_at": now,
            "occurred_at": now if event.occurred_at is None else timestamp_text(event.occurred_at),
            "actor": event.actor,
            "on_behalf_of": event.on_behalf_of,
            "session_id": event.session_id,
            "step": event.step,
            "kind": event.kind,
            "tool": event.tool,
            "arguments": json_text(event.arguments),
            "result": None if event.result is None else json_text(event.result),
            "policy_decision": event.policy_decision,
            "approval_id": event.approval_id,
            "policy_version": event.policy_version,
        }
        row["hash"] = prev = row_hash(row[name] for name in HASHED_FIELDS)
        rows.append(row)
    return rows


def _record(row: dict[str, Any]) -> AuditRecord:
    result = row["result"]
    return AuditRecord.model_validate(
        {
            **row,
            "arguments": json.loads(row["arguments"]),
            "result": None if result is None else json.loads(result),
        }
    )


@contextmanager
def _unavailable(action: str) -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        raise AuditUnavailable(f"could not {action} the audit trail: {_cause(exc)}") from exc


def _cause(exc: SQLAlchemyError) -> str:
    # The driver's own message, without SQLAlchemy's statement dump and documentation link.
    return str(getattr(exc, "orig", None) or exc).strip()
