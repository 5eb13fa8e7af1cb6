"""The simulator's waveforms drawn on a thread of their own. In the station the asyncio loop runs
on the Qt thread, and drawing every bed's ECG and pleth there (18 ms at 64 beds every quarter
second, 7 ms since the beds of a ward are drawn together) held up frames of the bed tiles' sweep. The thread touches only the
simulated monitors, never Qt, and the caller keeps the monitors to it while it draws."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from app.simulator.ward import SimulatedWard
from stores.model import WaveformChunk

THREAD_NAME = "bedside-waveforms"


class WaveformThread:
    """Draws the wards' waveform chunks on one worker thread, one delivery at a time."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None

    async def chunks(self, wards: Iterable[SimulatedWard], now: float) -> list[WaveformChunk]:
        """Every bed's chunks completed by `now`, in ward and bed order (see `draw`). Returns
        only once the thread is done with the monitors, even when cancelled meanwhile."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix=THREAD_NAME)
        drawing = asyncio.get_running_loop().run_in_executor(self._executor, draw, list(wards), now)
        try:
            return await asyncio.shield(drawing)
        except asyncio.CancelledError:
            await asyncio.wait([drawing])  # a stop must not find the monitors still in use
            raise

    def close(self) -> None:
        """Let the thread go (a later `chunks` starts another)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None


def draw(wards: list[SimulatedWard], now: float) -> list[WaveformChunk]:
    """On the worker thread: each ward's beds' chunks completed by `now`."""
    return [chunk for ward in wards for chunk in ward.waveform_chunks(now)]
