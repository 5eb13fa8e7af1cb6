"""The bench process itself, through psutil: its age, its CPU use over a stretch, its memory."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any

from app.bench.common import BenchError


def _psutil() -> Any:
    try:
        import psutil
    except ImportError:  # not yet a dependency of every install
        raise BenchError("the window benchmark needs psutil: pip install psutil") from None
    return psutil


def process_age_s() -> float:
    """Seconds since this process started.

    On Linux psutil's `create_time()` adds the start (in clock ticks since boot) to the boot
    time, which the kernel gives in whole seconds: it can be up to a second off. Both ends are
    read on the boot clock instead, to a clock tick (10 ms)."""
    if sys.platform.startswith("linux"):
        with open(f"/proc/{os.getpid()}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        started_ticks = int(fields[19])  # field 22 of proc(5), counted after the name
        return time.clock_gettime(time.CLOCK_BOOTTIME) - started_ticks / os.sysconf("SC_CLK_TCK")
    return time.time() - _psutil().Process().create_time()


def rss_mb() -> float:
    """The process's resident memory now, in MiB."""
    return _psutil().Process().memory_info().rss / 2**20


@dataclass
class CpuMeter:
    """The process's CPU time (all threads, user and system) over a stretch of wall time; 100 %
    is one core busy for the whole stretch."""

    _cpu_s: float = 0.0
    _wall_s: float = 0.0

    def start(self) -> CpuMeter:
        self._cpu_s, self._wall_s = _cpu_seconds(), time.perf_counter()
        return self

    def percent(self) -> float:
        wall = time.perf_counter() - self._wall_s
        return 100.0 * (_cpu_seconds() - self._cpu_s) / wall if wall > 0 else 0.0


def _cpu_seconds() -> float:
    times = _psutil().Process().cpu_times()
    return times.user + times.system
