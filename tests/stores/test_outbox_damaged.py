"""The outbox against whatever its table holds: damaged rows never stop the queue nor hide a
genuine write, and the kept counts stay true (property-based)."""

from __future__ import annotations

import asyncio
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stores.embedded_db import EmbeddedDb
from stores.errors import ValidationError
from stores.outbox import Courier, Outbox
from tests.hypothesis_profiles import examples
from tests.waiting import eventually

junk_payloads = st.one_of(
    st.text(max_size=40),  # not JSON at all
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                 lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.sampled_from(["record", "fields", "patient", "x"]), inner,
                               max_size=3),
                 max_leaves=8).map(json.dumps),
)


@settings(max_examples=examples(0.5), deadline=None,  # each example opens a file
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.booleans(), junk_payloads, st.integers(0, 4),
                               st.sampled_from(["vitals.write", "write", "x", ""])),
                     min_size=1, max_size=6))
def test_damaged_rows_are_kept_refused_and_every_genuine_write_still_arrives(tmp_path_factory,
                                                                              rows):
    """Whatever a row of the file holds (a damaged payload, an unknown operation or version),
    the genuine writes around it arrive in order and nothing is dropped."""

    async def scenario() -> None:
        db = await EmbeddedDb.open(tmp_path_factory.mktemp("outbox") / "station.sqlite3")
        outbox = Outbox(db)
        genuine = []
        for index, (real, payload, version, op) in enumerate(rows):
            if real:
                genuine.append(f"genuine {index}")  # junk never decodes to this
                await outbox.add("vitals", "vitals.write", {"samples": [genuine[-1]]})
            else:
                await db.write(lambda conn, p=payload, v=version, o=op: conn.execute(
                    "INSERT INTO outbox (store, op, payload_version, payload, queued_at) "
                    "VALUES ('vitals', ?, ?, ?, 0)", (o, v, p)))
        arrived = []

        async def deliver(op: str, args: object) -> None:
            if op != "vitals.write" or not isinstance(args, dict) or set(args) != {"samples"}:
                raise ValidationError("op", f"{op!r} is not a write of this store")
            arrived.append(args["samples"][0])  # a v1 junk row may "arrive": it is a write

        courier = Courier(outbox, "vitals", deliver)
        courier.start()
        try:
            await eventually(lambda: courier._task is None, 10, "the queue worked through")
            assert [n for n in arrived if n in genuine] == genuine
            waiting, refused = await courier.counts()
            assert waiting == 0 and refused == len(rows) - len(arrived)
            assert (waiting, refused) == await outbox.counts("vitals")  # the kept count is true
        finally:
            await courier.close()
            await db.close()

    asyncio.run(scenario())
