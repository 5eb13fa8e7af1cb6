"""The InfluxDB vitals backend's encoding, without a server: line protocol, batches, quoting."""

from __future__ import annotations

import gzip
import math

import pytest

from stores.errors import ValidationError
from stores.model import VitalSample
from stores.vitals.influx.lines import (
    MAX_MS,
    PRESENT_BITS,
    batches,
    check_bed_id,
    encode_body,
    encode_line,
    to_ms,
)
from stores.vitals.influx.ql import latest_query, quote_ident, quote_string, samples


def encode_batches(samples: list[VitalSample], batch_size: int) -> list[bytes]:
    return [encode_body(batch) for batch in batches(samples, batch_size)]


def lines_of(bodies: list[bytes]) -> list[list[str]]:
    return [gzip.decompress(body).decode().split("\n") for body in bodies]


def test_a_line_holds_the_present_vitals_and_a_bit_for_each():
    line = encode_line(VitalSample("north-1-07", 1.5, heart_rate=72, temperature=36.8), 1500)

    assert line == "vitals,bed=north-1-07 heart_rate=72.0,temperature=36.8,present=65i 1500"


def test_missing_nan_and_infinite_vitals_are_left_out_of_the_line():
    sample = VitalSample("b1", 1.0, heart_rate=None, spo2=math.nan, resp_rate=math.inf)

    assert encode_line(sample, 1000) == "vitals,bed=b1 present=0i 1000"


def test_a_vital_that_is_not_a_number_is_refused_naming_it():
    with pytest.raises(ValidationError) as refused:
        encode_line(VitalSample("b1", 1.0, spo2="high"), 1000)

    assert refused.value.field == "spo2"


def test_bed_ids_are_escaped_as_line_protocol_says():
    line = encode_line(VitalSample("ward 1,bed=2 \"x'", 0.0), 0)

    assert line.startswith("vitals,bed=ward\\ 1\\,bed\\=2\\ \"x' ")


@pytest.mark.parametrize("bed_id", ["", "a\nb", "tab\there", "end\\", "a\\\\b", "a\\,b",
                                    "a\\ b", "a\\=b"])
def test_bed_ids_that_influxdb_cannot_store_unchanged_are_refused(bed_id):
    with pytest.raises(ValidationError) as refused:
        check_bed_id(bed_id)

    assert refused.value.field == "bed_id"


def test_a_lone_backslash_inside_a_bed_id_is_allowed():
    assert check_bed_id("ward\\7") == "ward\\7"


def test_times_go_to_whole_milliseconds_within_influxdbs_range():
    assert [to_ms(t) for t in (0.0, 1.5, 1700000000.123, -2.0)] == [0, 1500, 1700000000123, -2000]
    assert to_ms(math.inf) == MAX_MS
    with pytest.raises(ValidationError):
        to_ms(math.nan)


def test_batches_split_at_the_batch_size_and_are_gzip_compressed():
    many = [VitalSample(f"b{n % 3}", float(n), heart_rate=60) for n in range(2500)]

    bodies = encode_batches(many, 1000)

    assert [len(lines) for lines in lines_of(bodies)] == [1000, 1000, 500]
    assert all(body[:2] == b"\x1f\x8b" for body in bodies)  # the gzip magic number


def test_the_last_of_two_samples_for_one_bed_and_millisecond_wins():
    bodies = encode_batches([VitalSample("b1", 1.0, 70), VitalSample("b1", 1.0, spo2=90)], 10)

    assert lines_of(bodies) == [["vitals,bed=b1 spo2=90.0,present=2i 1000"]]


def test_influxql_strings_and_identifiers_escape_quotes_backslashes_and_newlines():
    assert quote_string("it's a\\b\nc") == "'it\\'s a\\\\b\\nc'"
    assert quote_ident('my "db"\\x') == '"my \\"db\\"\\\\x"'


def test_latest_selects_whole_rows_per_bed_not_the_last_of_each_field():
    query = latest_query(["b1", "b'2"], rp="week")

    assert query == ('SELECT * FROM "week"."vitals" WHERE ("bed" = \'b1\' OR "bed" = \'b\\\'2\') '
                     'GROUP BY "bed" ORDER BY time DESC LIMIT 1')


def test_rows_read_back_trust_only_the_vitals_marked_present():
    # spo2 is left over from an earlier write of the same bed and time: not part of the sample.
    series = {"name": "vitals", "tags": {"bed": "b1"}, "columns": ["time", "heart_rate",
              "present", "spo2"], "values": [[1500, 80, PRESENT_BITS["heart_rate"], 95]]}

    assert list(samples([{"series": [series]}])) == [VitalSample("b1", 1.5, heart_rate=80.0)]


def test_rows_without_the_present_field_keep_every_value():
    series = {"name": "vitals", "columns": ["time", "bed", "spo2"], "values": [[2000, "b2", 97]]}

    assert list(samples([{"series": [series]}])) == [VitalSample("b2", 2.0, spo2=97.0)]
