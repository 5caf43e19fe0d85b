"""A stub business system: its database, its operations, and the rules every call goes through.

``System.execute`` is the single entry point both transports reach (directly in-process, or via
the HTTP server), so validation, transactions and idempotency behave identically on both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, SQLModel

from connectors.clock import utc_now
from connectors.errors import IdempotencyConflict, InvalidInput, SystemUnavailable
from connectors.idempotency import IdempotencyRecord, WriteLookup, args_hash
from connectors.operation import Kind, Operation, SystemContext


class System:
    def __init__(
        self,
        name: str,
        engine: Engine,
        operations: Iterable[Operation[Any, Any]],
        tables: Sequence[type[SQLModel]],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.name = name
        self.engine = engine
        self.operations = {op.name: op for op in operations}
        self.tables = (*tables, IdempotencyRecord)
        self.clock = clock

    def create_tables(self) -> None:
        SQLModel.metadata.create_all(self.engine, tables=[t.__table__ for t in self.tables])  # type: ignore[attr-defined]

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def operation(self, name: str) -> Operation[Any, Any]:
        try:
            return self.operations[name]
        except KeyError:
            raise InvalidInput(
                f"{self.name} has no operation {name!r}", known=sorted(self.operations)
            ) from None

    def execute(
        self, name: str, args: BaseModel | dict[str, Any], idempotency_key: str | None = None
    ) -> BaseModel:
        op = self.operation(name)
        parsed = op.prepare(args, idempotency_key)
        try:
            if op.kind is Kind.READ:
                with self.session() as session:
                    found: BaseModel = op.run(SystemContext(session, self.clock()), parsed)
                    return found
            assert idempotency_key is not None
            return self._write_once(op, parsed, idempotency_key)
        except OperationalError as exc:
            raise SystemUnavailable(f"{self.name} database unavailable: {exc.orig}") from exc

    def validate(self, name: str, args: BaseModel | dict[str, Any]) -> BaseModel:
        """What ``name`` would return for ``args``, with nothing kept: the operation runs as it
        would (its rules are written once, in it) in a transaction that is rolled back. A write
        that breaks a rule raises here what it would raise when sent, so a person is told before
        anyone is asked to confirm or approve it. Needs no idempotency key: nothing happens."""
        op = self.operation(name)
        parsed = op.check_args(args)
        try:
            with self.session() as session:
                try:
                    found: BaseModel = op.run(SystemContext(session, self.clock()), parsed)
                    return found
                finally:
                    session.rollback()
        except OperationalError as exc:
            raise SystemUnavailable(f"{self.name} database unavailable: {exc.orig}") from exc

    def find_write(self, key: str) -> WriteLookup:
        """Whether a write with idempotency key ``key`` was made here, and what it answered: the
        key row is committed with the write, so its absence means the write was not made (or
        has not committed yet)."""
        try:
            with self.session() as session:
                record = session.get(IdempotencyRecord, key)
        except OperationalError as exc:
            raise SystemUnavailable(f"{self.name} database unavailable: {exc.orig}") from exc
        if record is None:
            return WriteLookup(key=key, found=False)
        return WriteLookup(
            key=key,
            found=True,
            operation=record.operation,
            result=json.loads(record.result_json),
            created_at=record.created_at,
        )

    def _write_once(self, op: Operation[Any, Any], args: BaseModel, key: str) -> BaseModel:
        digest = args_hash(op.tool_name, args.model_dump(mode="json"))
        with self.session() as session:
            replay = self._replay(session, op, key, digest)
            if replay is not None:
                return replay
            now = self.clock()
            try:
                result: BaseModel = op.run(SystemContext(session, now), args)
                session.add(
                    IdempotencyRecord(
                        key=key,
                        operation=op.tool_name,
                        args_hash=digest,
                        result_json=result.model_dump_json(),
                        created_at=now,
                    )
                )
                session.commit()
                return result
            except IntegrityError:
                # A concurrent writer took the same key or the same new id; nothing of ours
                # was kept. Either it was our twin (answer as it did) or the caller may retry.
                session.rollback()
        # A concurrent request with the same key committed first: answer as it did.
        with self.session() as session:
            replay = self._replay(session, op, key, digest)
        if replay is None:
            raise SystemUnavailable(f"{op.tool_name}: write failed, nothing was changed")
        return replay

    @staticmethod
    def _replay(
        session: Session, op: Operation[Any, Any], key: str, digest: str
    ) -> BaseModel | None:
        record = session.get(IdempotencyRecord, key)
        if record is None:
            return None
        if record.args_hash != digest or record.operation != op.tool_name:
            raise IdempotencyConflict(
                f"idempotency key {key!r} was already used for a different request",
                key=key,
                first_operation=record.operation,
            )
        replayed: BaseModel = op.output_model.model_validate(json.loads(record.result_json))
        return replayed
