"""A driver fake that keeps the `alarm_archive` table as Cassandra does, for the archive contract.

Rows live by primary key; of two writes to one row, the one with the later write timestamp
(`USING TIMESTAMP`) wins, as on a cluster; a read gets one partition's rows in clustering order
within the range asked. Every other statement is answered as `FakeSession` answers it.
"""

from __future__ import annotations

from tests.stores.cassandra_driver_fake import FakeResponseFuture, FakeSession, Sent, _Answer

TABLE = "alarm_archive"


class ArchiveTableSession(FakeSession):
    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[tuple, tuple[int, dict]] = {}  # primary key -> (write timestamp, row)

    def execute_async(self, statement, parameters=None, timeout=None, **options):
        sent = self._record(statement, parameters, timeout)
        if TABLE not in sent.query:
            return super().execute_async(statement, parameters, timeout, **options)
        self.sent.append(sent)
        answer = _Answer(TABLE, [self._apply(sent)], None, False, False, 0.0, None)
        response = FakeResponseFuture(self.io, sent, answer)
        response.send()
        return response

    def _apply(self, sent: Sent) -> list | None:
        if sent.query.lstrip().upper().startswith("SELECT"):
            return self._select(sent.values)
        for row in (sent.values if sent.kind == "batch" else [sent.values]):
            key = (row["region"], row["day"], row["raised_at"], row["id"])
            stored = self.rows.get(key)
            if stored is None or row["written_at"] >= stored[0]:
                self.rows[key] = (row["written_at"], row)
        return None

    def _select(self, bounds: dict) -> list[dict]:
        found = [row for _, row in self.rows.values()
                 if (row["region"], row["day"]) == (bounds["region"], bounds["day"])
                 and bounds["from_raised"] <= row["raised_at"] < bounds["to_raised"]]
        return [{"record": row["record"]}
                for row in sorted(found, key=lambda row: (row["raised_at"], row["id"]))]
