"""Archived alarm records read back as untrusted input: junk is skipped and logged, never raised,
and never hides the good records beside it."""

from __future__ import annotations

import asyncio
import json

from hypothesis import given
from hypothesis import strategies as st

from stores.alarm_codec import alarm_to_dict
from stores.analytics.alarm_archive import archive_record, read_archived
from stores.analytics.embedded import EmbeddedAnalyticsStore
from stores.embedded_db import EmbeddedDb
from stores.model import Alarm, Priority

GOOD = Alarm("a1", "north", "north-1", "north-1-01", "p1", "Ada Lovelace", Priority.HIGH,
             "SpO2 low", 1_700_000_000.0, cleared_at=1_700_000_060.0,
             acknowledged_by="nurse.kim", acknowledged_at=1_700_000_030.0)
json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=10)


def test_a_record_reads_back_as_the_alarm_archived():
    assert read_archived(archive_record(GOOD), "north") == GOOD
    assert read_archived(archive_record(GOOD), "south") is None  # another region's: refused


@given(st.one_of(st.text(max_size=200), json_values.map(json.dumps), st.none(), st.integers()))
def test_junk_is_refused_without_raising(text):
    alarm = read_archived(text, "north")
    assert alarm is None or alarm.region == "north"


@given(st.sampled_from(sorted(alarm_to_dict(GOOD))), json_values)
def test_a_record_with_one_field_replaced_reads_as_an_alarm_or_not_at_all(field, value):
    record = alarm_to_dict(GOOD) | {field: value}
    try:
        text = json.dumps(record)
    except ValueError:
        return
    alarm = read_archived(text, "north")
    assert alarm is None or (isinstance(alarm, Alarm) and alarm.region == "north")


def test_a_bad_row_in_the_embedded_archive_hides_no_other(tmp_path):
    async def scenario() -> list[Alarm]:
        db = await EmbeddedDb.open(tmp_path / "ward.db")
        try:
            store = EmbeddedAnalyticsStore(db)
            await store.archive_alarms([GOOD])
            await db.write(lambda conn: conn.execute(
                "INSERT INTO alarm_archive VALUES ('north', 1.0, 'junk', NULL, 1.0, '{\"id\": 1')"))
            return await store.archived_alarms("north", 0.0)
        finally:
            await db.close()

    assert asyncio.run(scenario()) == [GOOD]
