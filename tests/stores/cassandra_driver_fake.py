"""A recording fake of the part of cassandra-driver that the analytics store talks to.

`FakeSession` stands for `cassandra.cluster.Session` (`prepare`, `execute_async`) and
`FakeResponseFuture` for the driver's `ResponseFuture` (callbacks, pages, errors), behaving as
the driver does: callbacks run on the fake's own I/O thread, stay registered across pages, and
run at once when added after the answer came. `prepare` returns the driver's real
PreparedStatement, so binding values is the driver's own code; what was sent is decoded back
with the driver's CQL types, so a value of the wrong type fails as it would on the wire.
"""

from __future__ import annotations

import asyncio
import queue
import re
import threading
import time
from dataclasses import dataclass
from functools import partial

from cassandra import cqltypes
from cassandra.cluster import QueryExhausted
from cassandra.protocol import ColumnMetadata
from cassandra.query import UNSET_VALUE, BatchStatement, BoundStatement, PreparedStatement

PROTOCOL = 4
# The bind markers the store's statements use, with the CQL types of the analytics tables.
MARKER_TYPES = {
    "region": cqltypes.UTF8Type, "ward": cqltypes.UTF8Type, "day": cqltypes.SimpleDateType,
    "hour": cqltypes.DateType, "from_hour": cqltypes.DateType, "to_hour": cqltypes.DateType,
    "writer": cqltypes.UUIDType, "alarms": cqltypes.LongType, "heart_rate_sum": cqltypes.DoubleType,
    "heart_rate_count": cqltypes.LongType, "spo2_sum": cqltypes.DoubleType,
    "spo2_count": cqltypes.LongType, "occupied": cqltypes.Int32Type, "beds": cqltypes.Int32Type,
    "measured_at": cqltypes.DoubleType, "written_at": cqltypes.LongType,
    "bed_seconds": cqltypes.DoubleType, "acknowledged": cqltypes.LongType,
    "acknowledge_s_sum": cqltypes.DoubleType,
    "raised_at": cqltypes.DoubleType, "from_raised": cqltypes.DoubleType,
    "to_raised": cqltypes.DoubleType, "id": cqltypes.UTF8Type, "patient_id": cqltypes.UTF8Type,
    "record": cqltypes.UTF8Type,
}


@dataclass
class Sent:
    """One request as it reached the fake."""

    query: str
    kind: str  # "bound", "batch" or "simple"
    values: object  # bound: {marker: value}; batch: [{marker: value}...]; simple: parameters
    consistency_level: int | None
    fetch_size: object = None
    batch_type: object = None
    idempotent: bool = False
    timeout: object = None
    pages_asked: int = 1  # the first page, then one per start_fetching_next_page


@dataclass
class _Answer:
    fragment: str
    pages: list
    error: BaseException | None
    never: bool  # no answer at all, ever
    at_once: bool  # answered before execute_async returns (the driver does so when no host is up)
    delay_s: float
    times: int | None  # how many requests it answers; None: all


class DriverThread:
    """Runs the fake's deliveries on one thread of its own, like the driver's event loop."""

    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self.errors: list[Exception] = []  # raised by callbacks: a bug of the caller's
        self.thread = threading.Thread(target=self._run, name="fake-cassandra-io", daemon=True)
        self.thread.start()

    def submit(self, job) -> None:
        self._jobs.put(job)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                job()
            except Exception as exc:  # the driver logs and drops what a callback raises
                self.errors.append(exc)

    def stop(self) -> None:
        self._jobs.put(None)
        self.thread.join(5)

    async def drained(self) -> None:
        """Return once every delivery submitted so far is done, and what each handed the event
        loop has run there too (it was queued on the loop before this returns)."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self.submit(lambda: loop.call_soon_threadsafe(done.set_result, None))
        await done


class FakeResponseFuture:
    def __init__(self, io: DriverThread, sent: Sent, answer: _Answer | None) -> None:
        self._io = io
        self._sent = sent
        pages = answer.pages if answer else [None if _is_write(sent.query) else []]
        # what each delivery hands out in turn: a page, or at the end the error if one was given
        self._steps: list = pages + ([answer.error] if answer and answer.error else [])
        self._never = bool(answer and answer.never)
        self._delay_s = answer.delay_s if answer else 0.0  # before every page
        self._next = 0
        self._lock = threading.Lock()
        self._callbacks: list = []
        self._errbacks: list = []
        self._result: object = _NOT_SET
        self._exception: BaseException | None = None

    @property
    def has_more_pages(self) -> bool:
        return self._next < len(self._steps)

    def add_callbacks(self, callback, errback) -> None:
        with self._lock:
            self._callbacks.append(callback)
            self._errbacks.append(errback)
            result, exception = self._result, self._exception
        if result is not _NOT_SET:
            callback(result)
        elif exception is not None:
            errback(exception)

    def start_fetching_next_page(self) -> None:
        if not self.has_more_pages:
            raise QueryExhausted()
        with self._lock:
            self._result, self._exception = _NOT_SET, None
        self._sent.pages_asked += 1
        self.send(delay_s=self._delay_s)

    def send(self, at_once: bool = False, delay_s: float = 0.0) -> None:
        if at_once:
            self._deliver()
        elif not self._never:
            self._io.submit(partial(self._deliver, delay_s))

    def _deliver(self, delay_s: float = 0.0) -> None:  # the fake's I/O thread
        time.sleep(delay_s)
        step = self._steps[self._next]
        self._next += 1
        with self._lock:
            if isinstance(step, BaseException):
                self._exception = step
                calls = [partial(errback, step) for errback in self._errbacks]
            else:
                self._result = step
                calls = [partial(callback, step) for callback in self._callbacks]
        for call in calls:
            call()


class FakeSession:
    """Records what is prepared and sent; answers with the pages (or error) it was given."""

    def __init__(self) -> None:
        self.io = DriverThread()
        self.prepared: list[str] = []  # query strings, once per prepare() call
        self.prepare_threads: list[str] = []
        self.prepare_error: BaseException | None = None
        self.sent: list[Sent] = []
        self._answers: list[_Answer] = []
        self._by_id: dict[bytes, PreparedStatement] = {}

    def answer(self, fragment: str, *pages: list, error: BaseException | None = None,
               never: bool = False, at_once: bool = False, delay_s: float = 0.0,
               times: int | None = None) -> None:
        """Requests whose query holds `fragment` get these pages, then `error` if given."""
        self._answers.insert(0, _Answer(fragment, list(pages), error, never, at_once, delay_s,
                                        times))

    def prepare(self, query: str) -> PreparedStatement:
        self.prepare_threads.append(threading.current_thread().name)
        if self.prepare_error is not None:
            raise self.prepare_error
        self.prepared.append(query)
        markers = re.findall(r"(?<![\w'])\:(\w+)", query)
        metadata = [ColumnMetadata("ks", "table", name, MARKER_TYPES[name]) for name in markers]
        statement = PreparedStatement(metadata, f"id{len(self._by_id)}".encode(), None, query,
                                      None, PROTOCOL, None, None)
        self._by_id[statement.query_id] = statement
        return statement

    def execute_async(self, statement, parameters=None, timeout=None, **options):
        sent = self._record(statement, parameters, timeout)
        self.sent.append(sent)
        answer = self._answer_for(sent.query)
        response = FakeResponseFuture(self.io, sent, answer)
        response.send(at_once=bool(answer and answer.at_once),
                      delay_s=answer.delay_s if answer else 0.0)
        return response

    def sent_matching(self, fragment: str) -> list[Sent]:
        return [s for s in self.sent if fragment in s.query]

    def close(self) -> None:
        self.io.stop()

    def _answer_for(self, query: str) -> _Answer | None:
        for answer in self._answers:
            if answer.fragment in query and answer.times != 0:
                if answer.times is not None:
                    answer.times -= 1
                return answer
        return None

    def _record(self, statement, parameters, timeout) -> Sent:
        common = dict(consistency_level=statement.consistency_level, timeout=timeout,
                      fetch_size=statement.fetch_size, idempotent=statement.is_idempotent)
        if isinstance(statement, BoundStatement):
            prepared = statement.prepared_statement
            return Sent(prepared.query_string, "bound", self._decode(prepared, statement.values),
                        **common)
        if isinstance(statement, BatchStatement):
            entries = statement._statements_and_parameters  # what the driver puts on the wire
            rows = [self._decode(self._by_id[query_id], values) for _, query_id, values in entries]
            query = self._by_id[entries[0][1]].query_string
            return Sent(query, "batch", rows, batch_type=statement.batch_type, **common)
        return Sent(statement.query_string, "simple", parameters, **common)

    @staticmethod
    def _decode(prepared: PreparedStatement, values: list) -> dict:
        decoded = {}
        for column, value in zip(prepared.column_metadata, values, strict=True):
            assert value is not UNSET_VALUE, f"nothing was bound to :{column.name}"
            decoded[column.name] = column.type.from_binary(value, PROTOCOL)
        return decoded


def _is_write(query: str) -> bool:
    return not query.lstrip().upper().startswith("SELECT")


_NOT_SET = object()
