"""The station window at a laptop's size, a common desktop's and 4K: nothing cut off."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

from app.bootstrap import apply_theme, start_station
from app.config import Config
from app.startup import open_station_stores
from tests.app.qasync_helpers import run_on_qt_loop
from tests.app.window_geometry import cut_off
from tests.waiting import eventually

# 1366x768: the smallest laptop screen the station supports; 1600x950: where the analytics
# were seen cut off; 3840x2160: a 4K screen
SIZES = [(1366, 768), (1600, 950), (3840, 2160)]


def test_no_panel_is_cut_off_at_any_window_size(qapp, demo_data_dir):
    config = Config(data_dir=demo_data_dir, user="nurse.test", simulator=False)

    async def scenario() -> dict:
        stores = await open_station_stores(config)
        station = await start_station(config, stores)
        apply_theme(QApplication.instance())
        window = station.window
        try:
            window.resize(*SIZES[0])
            window.show()
            await eventually(lambda: len(window.analytics.regions()) == 3, 20, "analytics")
            await eventually(window.care_graph.node_items, 20, "the care team")
            await eventually(lambda: window.patient_panel.form.loaded, 20, "a patient's record")
            return {size: await problems_at(window, size, demo_data_dir) for size in SIZES}
        finally:
            window.skip_close_confirmation("test done")
            await station.stop()

    problems = run_on_qt_loop(scenario())
    assert problems == {size: [] for size in SIZES}, f"screenshots in {demo_data_dir}"


async def problems_at(window, size: tuple[int, int], folder) -> list[str]:
    """What is cut off at `size`, on every page of every tab widget. The screenshot is saved
    beside the test's data, to look at when this fails."""
    window.resize(*size)
    await settled(window)
    window.grab().save(str(folder / f"window-{size[0]}x{size[1]}.png"))
    problems = []
    if window.size().toTuple() != size:  # the panels' minimum sizes add up to more
        problems.append(f"the window is {window.size().toTuple()}, not {size}")
    for tabs in window.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            await settled(window)
            problems += [f"{tabs.tabText(index)}: {problem}" for problem in cut_off(window)]
        tabs.setCurrentIndex(0)
    return problems


async def settled(window: QWidget) -> None:
    """Until the layouts (and pyqtgraph's, a pass later) have placed everything: the same
    geometry twice in a row."""
    placed: list[list] = []

    def placed_as_before() -> bool:
        placed.append([child.geometry().getRect() for child in window.findChildren(QWidget)
                       if child.isVisibleTo(window)])
        return len(placed) > 1 and placed[-1] == placed[-2]

    await eventually(placed_as_before, 5, "the window's layout settling")
