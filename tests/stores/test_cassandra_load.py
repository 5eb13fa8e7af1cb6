"""Each Cassandra node's load as gossip tells it (stores/analytics/cassandra_load.py): rows from
a server, so anything at all may come, and only a finite, non-negative load is kept."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from stores.analytics.cassandra_load import MAX_NODES, loads, size_words


def test_every_address_a_row_names_finds_its_load():
    row = {"address": "10.0.0.1", "load": "1.5E9", "rpc_address": "/192.168.1.1",
           "native_address_and_port": "192.168.2.1:9042",
           "internal_address_and_port": "[fe80::1]:7000"}

    assert loads([row]) == dict.fromkeys(["10.0.0.1", "192.168.1.1", "192.168.2.1", "fe80::1"],
                                         1.5e9)


def test_loads_that_are_not_sizes_are_left_out():
    rows = [{"address": f"10.0.0.{n}", "load": load}
            for n, load in enumerate(["-1", "nan", "inf", "lots", None, True, [3], "12"])]

    assert loads(rows) == {"10.0.0.7": 12.0}


def test_no_more_than_max_nodes_rows_are_read():
    rows = ({"address": f"10.{n // 65536}.{n // 256 % 256}.{n % 256}", "load": n}
            for n in range(MAX_NODES * 10))

    assert len(loads(rows)) == MAX_NODES


def test_sizes_in_nodetools_words():
    assert [size_words(n) for n in (0, 812, 1024, 1_480_000, 3 * 1024**3, 2 * 1024**6)] == [
        "0 bytes", "812 bytes", "1 KiB", "1.41 MiB", "3 GiB", "2048 PiB"]


_values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                    st.lists(st.integers(), max_size=2))


@given(st.lists(st.dictionaries(st.sampled_from(["address", "load", "rpc_address",
                                                 "native_address_and_port", "other"]),
                                _values), max_size=20))
def test_any_rows_give_finite_sizes_by_short_addresses(rows):
    found = loads(rows)

    assert all(isinstance(address, str) and len(address) <= 100 for address in found)
    assert all(math.isfinite(load) and load >= 0 for load in found.values())
    assert all(size_words(load) for load in found.values())
