"""The bed tiles' trace as a layer of pixels, without Qt: each column of the strip is worked out
once, after the samples whose line crosses it arrive, and copied into the layer when the head
passes it; so a frame copies the few columns the head passed and blanks the erase bar, rather
than drawing the trace again (64 tiles at 60 frames a second). Chunks come ahead of the head,
so the working out can wait for `catch_up`, which the grid spreads over a few frames (every
bed's chunk comes in the same poll); a frame about to show columns not yet worked out works
them out first.

A column shows the rows the trace's line covers over it: the samples in it and the line on to
the samples either side, as a 1-pixel aliased line would; a gap (NaN, a sample never received,
the sweep's wrap) is not crossed. What a column shows depends only on the samples of its sweep,
so the layer drawn a few columns a frame equals the layer drawn whole (`draw_all`), pixel for
pixel (tests/widgets/sweep/test_trace.py)."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from widgets.sweep.model import Sweep

Columns = tuple[int, int]  # columns from, to (not included) of the layer
Shown = tuple[int, int, int]  # a sweep's number, and the columns from, to where it is shown
_EMPTY = (1, 0)  # a column's first and last lit row where nothing is drawn
# Samples this close ahead of the head are worked out before a frame shows its columns: the
# column the head is in, and the line from its last sample on to the next, reach this far.
_SOON_S = 0.05


class _Step(NamedTuple):
    """One frame's move of the head: where it is now (sweep, column), the worked-out columns to
    show (sweep, from, to), the erase bar's columns, and the columns that changed."""

    at: tuple[int, int]
    copies: list[Shown]
    bar: list[Columns]
    pieces: list[Columns]


class TraceLayer:
    """The trace of `sweep` in `pixels`, an array (rows, columns) of 32-bit pixels the renderer
    wraps in an image: `colour` where the line is, the background elsewhere (0, transparent,
    unless `set_background` gives what lies beneath: the layer is then the strip as shown). A
    value v is drawn at row `baseline - v * gain`, kept within the rows; the columns span one
    sweep."""

    def __init__(self, sweep: Sweep, pixels: np.ndarray, colour: int, baseline: float,
                 gain: float) -> None:
        self.sweep, self.pixels = sweep, pixels
        rows, self.columns = pixels.shape
        self._colour = np.uint32(colour)
        self._background = np.zeros(pixels.shape, np.uint32)  # where no line is
        self._baseline, self._gain, self._last_row = baseline, gain, rows - 1
        self._rows = np.arange(rows).reshape(-1, 1)
        # the sweep's geometry is the layer's for its life (a new one makes a new layer): kept
        # rather than asked for each frame, 64 tiles at 60 frames a second
        self._period = sweep.period
        self._px_per_s = self.columns / self._period if self._period > 0 else 0.0
        # Columns worked out, as pixels ready to copy (a frame is then one copy per tile), kept
        # for as many sweeps as the sample ring holds (chunks can come well ahead of the head):
        # sweep n in page n % pages.
        per_sweep = sweep.period * sweep.rate_hz
        self._pages = math.ceil(len(sweep.samples) / per_sweep) + 2 if per_sweep > 0 else 1
        self._worked = np.zeros((self._pages, rows, self.columns), np.uint32)
        self._page_sweep = [-1] * self._pages  # the sweep each page's columns are of
        self._head: float | None = None  # the head at the last frame; None: draw all
        self._at = (0, 0)  # the sweep and column the head was in at the last frame
        self._changed: list[Columns] = []  # columns drawn since the last frame (late samples)
        self._arrived: tuple[int, int] | None = None  # first and last sample not worked out

    def set_background(self, background: np.ndarray) -> None:
        """Show the trace over `background`, pixels of the layer's shape (what is beneath it,
        with the trace's image drawn over that: then one image shows both); drawn again whole
        at the next frame if it differs."""
        if not np.array_equal(background, self._background):
            np.copyto(self._background, background)
            self.forget()

    @property
    def drawn(self) -> bool:
        """Whether the layer shows the trace (else the next `advance` draws it whole)."""
        return self._head is not None

    def forget(self) -> None:
        """Draw everything again at the next frame (the samples were cleared)."""
        self._head = None

    @property
    def behind(self) -> bool:
        """Whether samples arrived whose columns are not worked out yet."""
        return self._arrived is not None

    def add(self, first: int, last: int) -> None:
        """Samples numbered first..last arrived: `catch_up` works their columns out."""
        if self._arrived is not None:
            first, last = min(first, self._arrived[0]), max(last, self._arrived[1])
        self._arrived = first, last

    def catch_up(self) -> None:
        """Work out the columns the line through the samples that arrived crosses (those held:
        older ones are gone), and draw at once those already shown (the next `advance`
        reports them)."""
        if self._arrived is None:
            return
        ring = self.sweep.samples
        first, last = self._arrived
        self._arrived = None
        if ring.newest is not None:
            first = max(first, ring.number(ring.newest) - len(ring) + 1)
        for number, c0, c1 in self._columns_of(first - 1, last + 1):
            self._work_out(number, c0, c1)
            if self._head is not None:
                self._show_again(number, c0, c1)

    def advance(self, now: float, steps: dict | None = None) -> list[Columns]:
        """A frame: copy in the columns the head passed since the last, blank the erase bar;
        the columns that changed (everything, on the first frame or after a jump). Layers of
        one geometry moving from the same head to the same head take the same step: with
        `steps` (one dict for a frame's layers), it is worked out once for them all."""
        if self._px_per_s <= 0:
            return []
        head = self.sweep.head(now)
        if not self.sweep.follows(self._head, head):
            self.draw_all(head)
            return [(0, self.columns)]
        if self._arrived is not None and (self._arrived[0] - 1) / self.sweep.rate_hz <= head + _SOON_S:
            self.catch_up()  # the columns this frame shows must be worked out
        changed, self._changed = self._changed, []
        if head == self._head:
            return changed
        key = (self._head, self._at, head, self._period, self.columns, self.sweep.erase_s)
        step = steps.get(key) if steps is not None else None
        if step is None:
            step = self._step(head)
            if steps is not None:
                steps[key] = step
        self._head, self._at = head, step.at
        for number, c0, c1 in step.copies:
            self._copy(number, c0, c1)
        for c0, c1 in step.bar:
            self.pixels[:, c0:c1] = self._background[:, c0:c1]
        return changed + step.pieces if changed else step.pieces

    def _step(self, head: float) -> _Step:
        """What a frame moving the head from where it was to `head` does (`advance`)."""
        old_number, old_column = self._at
        number, column, x = self._where(head)
        if number == old_number:
            copies = [(number, old_column, column)]
        else:
            copies = [(old_number, old_column, self.columns), (number, 0, column)]
        end = self._bar_end(x)
        return _Step((number, column), [c for c in copies if c[2] > c[1]], self._bar(column, end),
                     self._pieces(old_number * self.columns + old_column, number * self.columns + end))

    def draw_all(self, head: float) -> None:
        """Work out every column from the samples held and show the trace with the head at `head`."""
        self._head, self._changed, self._arrived = head, [], None
        self._at = self._where(head)[:2]
        self._page_sweep = [-1] * self._pages
        np.copyto(self.pixels, self._background)
        ring = self.sweep.samples
        if ring.newest is not None:
            newest = ring.number(ring.newest)
            for number, c0, c1 in self._columns_of(newest - len(ring) + 1, newest):
                self._work_out(number, c0, c1)
        for number, c0, c1 in self._shown(head):
            self._copy(number, c0, c1)

    def _columns_of(self, first: int, last: int) -> list[Shown]:
        """The columns, sweep by sweep, that the line through samples first..last crosses."""
        if self._px_per_s <= 0:
            return []
        period, rate = self._period, self.sweep.rate_hz
        found = []
        for number in range(math.floor(first / rate / period), math.floor(last / rate / period) + 1):
            begin = number * period
            c0 = max(0, math.floor((first / rate - begin) * self._px_per_s))
            c1 = min(self.columns, math.floor((last / rate - begin) * self._px_per_s) + 1)
            if c1 > c0:
                found.append((number, c0, c1))
        return found

    def _work_out(self, number: int, c0: int, c1: int) -> None:
        """Work out columns c0..c1 of sweep `number` from the samples held, and keep them (unless
        its page holds a later sweep: those samples are too old to be shown)."""
        page = number % self._pages
        if self._page_sweep[page] > number:
            return
        if self._page_sweep[page] < number:  # the page's sweep is long gone: start it blank
            self._worked[page] = self._background
            self._page_sweep[page] = number
        low, high = self._rows_lit(number, c0, c1)
        lit = self._rows >= low
        lit &= self._rows <= high
        columns = self._worked[page, :, c0:c1]
        np.copyto(columns, self._background[:, c0:c1])
        np.copyto(columns, self._colour, where=lit)

    def _rows_lit(self, number: int, c0: int, c1: int) -> tuple[np.ndarray, np.ndarray]:
        """For each column c0..c1 of sweep `number`: the first and last row its line lights.
        In place and without numpy's slower wrappers (np.clip): 64 tiles, four chunks a second."""
        rate, begin = self.sweep.rate_hz, number * self._period
        # the samples in the columns and one beyond each side, where the line comes from
        lo = math.floor((begin + c0 / self._px_per_s) * rate) - 1
        hi = math.ceil((begin + c1 / self._px_per_s) * rate) + 1
        values, valid = self.sweep.samples.read(lo, hi)
        # each sample's x from its own number alone: the same column whatever else is read
        xs = np.arange(lo, hi + 1) / rate
        xs -= begin
        xs *= self._px_per_s
        ys = values * -self._gain
        ys += self._baseline
        np.maximum(ys, 0.0, out=ys)
        np.minimum(ys, self._last_row, out=ys)
        if xs[0] < 0.0 or xs[-1] >= self.columns:  # the line stops at the sweep's wrap
            valid &= (xs >= 0.0) & (xs < self.columns)
        if not valid.all():
            ys[~valid] = np.nan  # a gap
        # the first sample at or right of each column's left edge (the window reaches beyond
        # both ends): the samples of a column lie between its edge's and the next edge's
        edges = np.arange(c0, c1 + 1, dtype=np.float64)
        right = np.searchsorted(xs, edges)
        x0, y0 = xs[right - 1], ys[right - 1]
        at_edges = edges - x0  # the line's height at each edge (NaN where it has none)
        at_edges *= ys[right] - y0
        at_edges /= xs[right] - x0
        at_edges += y0
        # fmin/fmax: a NaN (no line) gives way to a value; a column with no sample gets the
        # next column's first from reduceat, and none here
        inner_low = np.fmin.reduceat(ys, right)[:-1]
        inner_high = np.fmax.reduceat(ys, right)[:-1]
        no_sample = right[:-1] == right[1:]
        inner_low[no_sample] = inner_high[no_sample] = np.nan
        low = np.fmin(np.fmin(at_edges[:-1], at_edges[1:]), inner_low)
        high = np.fmax(np.fmax(at_edges[:-1], at_edges[1:]), inner_high)
        # a line through row y lights the row y rounds to, as Qt's aliased lines do
        blank = np.isnan(low)
        low += 0.5
        high += 0.5
        low[blank], high[blank] = _EMPTY
        return np.floor(low).astype(np.int32), np.floor(high).astype(np.int32)

    def _copy(self, number: int, c0: int, c1: int) -> None:
        """Draw columns c0..c1 as worked out for sweep `number` (blank where they were not)."""
        if c1 <= c0:
            return
        page = number % self._pages
        if self._page_sweep[page] == number:
            self.pixels[:, c0:c1] = self._worked[page, :, c0:c1]
        else:  # nothing of that sweep arrived
            self.pixels[:, c0:c1] = self._background[:, c0:c1]

    def _show_again(self, number: int, c0: int, c1: int) -> None:
        """Draw the columns c0..c1 of sweep `number` that are shown now (late samples)."""
        for shown, s0, s1 in self._shown(self._head):
            first, last = max(c0, s0), min(c1, s1)
            if shown == number and last > first:
                self._copy(number, first, last)
                self._changed.append((first, last))

    def _where(self, head: float) -> tuple[int, int, float]:
        """The sweep the head is in, the column it is in, and its x in columns."""
        number = math.floor(head / self._period)
        x = (head - number * self._period) * self._px_per_s
        return number, min(max(math.floor(x), 0), self.columns), x

    def _bar_end(self, x: float) -> int:
        """The column after the erase bar's last, for the head at `x` (past the strip: it wraps)."""
        return math.floor(x + self.sweep.erase_s * self._px_per_s) + 1

    def _bar(self, column: int, end: int) -> list[Columns]:
        """The erase bar's columns: from the head's `column` to `end` (`_bar_end`), wrapping at
        the right edge."""
        if end <= self.columns:
            return [(column, end)]
        return [(column, self.columns), (0, end - self.columns)]

    def _shown(self, head: float) -> list[Shown]:
        """Which sweep each column shows with the head at `head`: this sweep behind the head,
        the last one beyond the erase bar (or this one's start, where the bar wrapped)."""
        number, column, x = self._where(head)
        end = self._bar_end(x)
        if end <= self.columns:
            return [(number, 0, column), (number - 1, end, self.columns)]
        return [(number, end - self.columns, column)]

    def _pieces(self, start: int, end: int) -> list[Columns]:
        """Columns start..end counted across sweeps (number * columns + column), as spans of
        the layer, split where they wrap."""
        if end - start >= self.columns:
            return [(0, self.columns)]
        first = start % self.columns
        last = first + end - start
        if last <= self.columns:
            return [(first, last)]
        return [(first, self.columns), (0, last - self.columns)]
