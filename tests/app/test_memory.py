"""Freed memory given back to the system after a large job: the allocator's free pages in the
middle of its heap (which free() alone keeps) are returned."""

from __future__ import annotations

import sys

import psutil
import pytest

from app.memory import give_back


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_memory_freed_in_the_middle_of_the_heap_goes_back_to_the_system():
    # 120 MB in blocks under glibc's mmap threshold (on its heap), each written to, then all
    # freed but the last: it pins the heap's top, so free() alone gives nothing back
    blocks = [bytearray(b"x" * 100_000) for _ in range(1200)]
    last = blocks.pop()
    del blocks
    kept = rss_mb()
    assert give_back()
    assert kept - rss_mb() > 60, "most of the freed 120 MB is given back"
    assert len(last) == 100_000
