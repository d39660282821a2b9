"""aiosqlite connections on which one SQL statement is one trip to the database thread.

aiosqlite runs a SQLite connection in a thread of its own and sends it every call as a trip:
the call is queued, the thread runs it, and the event loop is woken to resume the caller.
SQLAlchemy's aiosqlite adapter drives the cursor call by call (create, execute, fetch all,
close), so a SELECT costs four trips and an UPDATE three, plus one for BEGIN. Each trip
waits until the event loop's thread lets go of the GIL, while SQLite's single connection
stays checked out; under load that waiting, not SQLite, bounds the updates per second.

`OneTripConnection` is aiosqlite's own connection (same thread, same queue, same API)
changed in two ways. `bot.db.engine` opens it in place of `aiosqlite.connect`, with the URL's
arguments, through the dialect's `async_creator_fn` argument (what SQLAlchemy's documented
`create_async_engine(async_creator=...)` uses):

- its cursors run create, execute, fetch and close as one call in the thread, and keep the
  rows, which SQLAlchemy's adapter reads whole after every execute anyway;
- `begin` does not cost a trip of its own: the BEGIN goes with the next statement, and a
  transaction that ran no statement ends without one;
- `defer` holds back a write whose outcome nobody reads (SQLAlchemy statements marked with
  `WRITE_BEHIND`, routed here by `bot.db.engine`): it goes with the transaction's next
  statement or its COMMIT, in order, so a button press that reads, then writes, then commits
  costs two trips instead of three. An error in a held-back write surfaces on that next trip,
  still inside the transaction, which the unit of work then rolls back; a transaction rolled
  back or never committed drops its held-back writes, exactly as it would have undone them.

No maintained package offers this (aiosqlite's `execute_fetchall` drops the description,
row count and last row id that SQLAlchemy reads), so it lives here. It uses two aiosqlite
internals, `_execute` and `_conn`, as SQLAlchemy's own adapter uses `_tx` and `_conn`;
pyproject.toml pins the aiosqlite series it was written against, and tests/db covers it.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Self

import aiosqlite

Row = tuple[Any, ...]
Description = tuple[tuple[Any, ...], ...] | None
Statement = tuple[str, Any]
"""SQL text and its parameters, as the sqlite3 module takes them."""

WRITE_BEHIND = {"write_behind": True}
"""SQLAlchemy execution options of a write whose row count and errors its caller does not
read at once: on SQLite it is sent with the transaction's next trip (see `defer`)."""


class _Outcome(NamedTuple):
    """What a statement left on its cursor, read in the database thread before closing it."""

    rows: list[Row]
    description: Description
    rowcount: int
    lastrowid: int | None


def _run(
    connection: sqlite3.Connection,
    sql: str,
    parameters: Any,
    *,
    many: bool,
    begin: str | None,
    deferred: Sequence[Statement] = (),
) -> _Outcome:
    """Run `begin` if given, the held-back writes, then one statement; in aiosqlite's thread."""
    _start(connection, begin, deferred)
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return _Outcome(rows, cursor.description, cursor.rowcount, cursor.lastrowid)
    finally:
        cursor.close()


def _commit(
    connection: sqlite3.Connection, begin: str | None, deferred: Sequence[Statement]
) -> None:
    """Run `begin` if given and the held-back writes, then commit; in aiosqlite's thread."""
    _start(connection, begin, deferred)
    connection.commit()


def _start(
    connection: sqlite3.Connection, begin: str | None, deferred: Sequence[Statement]
) -> None:
    if begin is not None:
        connection.execute(begin)
    for sql, parameters in deferred:
        connection.execute(sql, parameters)


class OneTripCursor:
    """The cursor SQLAlchemy's adapter drives: `execute` is the trip, the rest reads its outcome.

    It has the parts of `aiosqlite.Cursor` that SQLAlchemy uses.
    """

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: deque[Row] = deque()
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = ()) -> Self:
        """Run the statement and keep its rows, in one trip."""
        self._keep(await self._connection.run_statement(sql, parameters, many=False))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> Self:
        """Run the statement once per parameter set, in one trip."""
        self._keep(await self._connection.run_statement(sql, parameters, many=True))
        return self

    async def fetchone(self) -> Row | None:
        """Return the next kept row, or None when there are no more."""
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Row]:
        """Return up to `size` (default `arraysize`) of the kept rows."""
        count = min(self.arraysize if size is None else size, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> Sequence[Row]:
        """Return every kept row not fetched yet."""
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        """Forget the kept rows; the SQLite cursor itself was closed in the trip."""
        self._rows.clear()

    def _keep(self, outcome: _Outcome) -> None:
        self._rows = deque(outcome.rows)
        self.description = outcome.description
        self.rowcount = outcome.rowcount
        self.lastrowid = outcome.lastrowid


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose statements cost one trip each, BEGIN included."""

    _pending_begin: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deferred: list[Statement] = []

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        """Return a cursor; making one costs no trip, its SQLite cursor lives in the trip."""
        return OneTripCursor(self)

    def begin(self, statement: str) -> None:
        """Open a transaction with `statement` (a BEGIN), sent with the next statement."""
        self._pending_begin = statement

    def defer(self, sql: str, parameters: Any) -> None:
        """Hold back a write until the next statement or the commit, whichever comes first."""
        self._deferred.append((sql, parameters))

    @property
    def in_transaction(self) -> bool:
        """Return whether a transaction is open or opens with the next statement."""
        return self._pending_begin is not None or bool(super().in_transaction)

    async def commit(self) -> None:
        """Commit, sending the held-back writes first; one that ran nothing needs no trip."""
        begin, deferred = self._take_pending()
        if deferred:
            await self._execute(_commit, self._conn, begin, deferred)  # type: ignore[no-untyped-call]
        elif begin is None:
            await super().commit()

    async def rollback(self) -> None:
        """Roll back, dropping the held-back writes; one that ran nothing needs no trip."""
        begin, _ = self._take_pending()
        if begin is None:
            await super().rollback()

    async def run_statement(self, sql: str, parameters: Any, *, many: bool) -> _Outcome:
        """Run one statement (after the pending BEGIN and held-back writes) in the thread."""
        begin, deferred = self._take_pending()
        # aiosqlite leaves `_execute` unannotated; it returns what `_run` returns.
        outcome: _Outcome = await self._execute(  # type: ignore[no-untyped-call]
            _run, self._conn, sql, parameters, many=many, begin=begin, deferred=deferred
        )
        return outcome

    def _take_pending(self) -> tuple[str | None, list[Statement]]:
        """Return the pending BEGIN and held-back writes, which the caller now sends or drops."""
        begin, deferred = self._pending_begin, self._deferred
        self._pending_begin, self._deferred = None, []
        return begin, deferred


async def connect(database: str, **kwargs: Any) -> OneTripConnection:
    """Open a connection, like `aiosqlite.connect(database, **kwargs)`."""

    def connector() -> sqlite3.Connection:
        opened: sqlite3.Connection = sqlite3.connect(database, **kwargs)
        return opened

    connection = OneTripConnection(connector, iter_chunk_size=64)
    # As SQLAlchemy does for aiosqlite.connect: a connection nobody closed must not keep
    # the interpreter alive at exit.
    connection._thread.daemon = True
    await connection
    return connection
