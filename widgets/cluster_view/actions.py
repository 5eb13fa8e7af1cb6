"""The Cluster tab's actions on a lab, for trainers: an *Actions* button on each node the
station's lab started (kill, stop, freeze, restore), a *Cut link* button on each store the
station reaches through a link of the lab (cut it, restore it), a question before anything is
broken (a class on a projector: one click must not take down the alarm bus), and a line saying
what happened. It only asks, through `requested(node, action)`: the station's lab-actions feed
decides and acts. A node no lab of this station started gets no button: elsewhere the view is
read-only."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from functools import partial

from PySide6.QtCore import QEvent, QObject, QRectF, Signal
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox, QPushButton

from widgets import palette
from widgets.cluster_view.picture import WHAT, NodeBox
from widgets.cluster_view.questions import confirmation, menu_entries
from widgets.cluster_view.view import ClusterView

BUTTON_WIDTH = 5.6  # in the view's text units; the view keeps this room free beside the text
RELAYING = "relaying"
SLIM = "QPushButton { padding: 0px 6px; }"  # the theme's padding would hide a small one's text

# store -> (its link's name, "relaying" | "cut" | "frozen" | "down"), as the station's lab says
Links = Mapping[str, tuple[str, str]]


class ClusterActions(QObject):
    requested = Signal(str, str)  # the lab's name for the node ("redis-1", "link-vitals"), action

    def __init__(self, view: ClusterView, clock: Callable[[], float] = time.time) -> None:
        super().__init__(view)
        self._view, self._clock = view, clock
        self._links: dict[str, tuple[str, str]] = {}
        self.buttons: dict[str, QPushButton] = {}  # by node name, or by link name
        self.question: QMessageBox | None = None  # while one is asked
        self.status = QLabel(view, objectName="LabActionStatus", wordWrap=True)
        self.status.hide()
        view.lab_button_width = BUTTON_WIDTH + 0.2  # the text stops short of the button
        view.installEventFilter(self)

    def show_links(self, links: Links) -> None:
        """The station's links and their states; then every button is put in its place."""
        self._links = dict(links)
        self.refresh()

    def refresh(self) -> None:
        """A button on each lab node and link drawn now, where the view draws them."""
        view, shown = self._view, set()
        for column, group in zip(view.column_rects(), view.groups):
            link = self._links.get(group.store)
            if link is not None:
                shown.add(self._place_link(link, group.store, column))
            for box, node in zip(view.node_rects(column, group), group.nodes):
                if node.lab_name:
                    shown.add(self._place_node(node, box))
        for key, button in self.buttons.items():
            button.setVisible(key in shown)
        self._place_status()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self._view and event.type() == QEvent.Type.Resize:
            self.refresh()
        return False

    # -- what happened ----------------------------------------------------------------------

    def show_running(self, name: str, action: str) -> None:
        self._say(f"{name}: {action} under way\u2026", palette.TEXT)

    def show_done(self, name: str, action: str, text: str) -> None:
        self._say(text, palette.UP)

    def show_failed(self, name: str, action: str, text: str) -> None:
        self._say(f"{name}: {action} {text}" if not text.startswith(name) else text,
                  palette.DOWN)

    def _say(self, text: str, colour: str) -> None:
        when = time.strftime("%H:%M:%S", time.localtime(self._clock()))
        self.status.setText(f"{when}  {text}")
        self.status.setStyleSheet(f"color: {colour};")
        self._place_status()
        self.status.show()

    # -- buttons ----------------------------------------------------------------------------

    def _button(self, key: str, text: str) -> QPushButton:
        button = self.buttons.get(key)
        if button is None:
            button = QPushButton(text, self._view, objectName="LabAction")
            button.setStyleSheet(SLIM)
            button.setToolTip(key)
            self.buttons[key] = button
        button.setText(text)
        return button

    def _place_node(self, node: NodeBox, box: QRectF) -> str:
        button = self._button(node.lab_name, "Actions")
        if button.menu() is None:
            menu = QMenu(button)
            menu.aboutToShow.connect(partial(self._fill_menu, menu, node.lab_name))
            button.setMenu(menu)
        u = self._view.unit()
        step = (box.height() - 0.5 * u) / 3  # the box's text rows, as the view draws them
        self._fit(button, QRectF(box.right() - (BUTTON_WIDTH + 0.3) * u,
                                 box.top() + 0.25 * u + step, BUTTON_WIDTH * u, step))
        return node.lab_name

    def _place_link(self, link: tuple[str, str], store: str, column: QRectF) -> str:
        name, state = link
        known = name in self.buttons
        button = self._button(name, "Cut link" if state == RELAYING else "Restore link")
        # cut: the way back stands out, in the colour of what it mends
        button.setStyleSheet(SLIM if state == RELAYING else
                             SLIM.replace("}", f"border: 1px solid {palette.DOWN}; }}"))
        if not known:
            button.clicked.connect(partial(self._link_clicked, name, store))
        u = self._view.unit()
        # at the right of the store's subtitle and state, which are short: its name stays whole
        self._fit(button, QRectF(column.right() - (BUTTON_WIDTH + 1.2) * u, column.top() + 1.6 * u,
                                 (BUTTON_WIDTH + 1.2) * u, 1.6 * u))
        return name

    def _fit(self, button: QPushButton, where: QRectF) -> None:
        font = button.font()
        font.setPixelSize(max(8, round(self._view.unit() * 0.75)))
        button.setFont(font)
        # never shorter than its text, where many nodes make the boxes' rows thin
        where.setHeight(max(where.height(), font.pixelSize() + 6))
        button.setGeometry(where.toRect())
        button.raise_()

    def _place_status(self) -> None:
        station, u = self._view.station_rect(), self._view.unit()
        font = self.status.font()
        font.setPixelSize(max(8, round(u * 0.8)))
        self.status.setFont(font)
        self.status.setGeometry(QRectF(u * 0.6, station.top(), station.left() - 1.2 * u,
                                       station.height() + 1.6 * u).toAlignedRect())

    def _fill_menu(self, menu: QMenu, name: str) -> None:
        """What can be done to the node as it is drawn now."""
        menu.clear()
        node = self._node(name)
        for action, label, allowed in menu_entries(node.state if node else "up"):
            entry = menu.addAction(label)
            entry.setEnabled(allowed)
            entry.triggered.connect(partial(self._ask, name, action))

    def _link_clicked(self, name: str, store: str) -> None:
        relaying = self._links.get(store, (name, RELAYING))[1] == RELAYING
        self._ask(name, "cut" if relaying else "restore", store=store)

    def _node(self, name: str) -> NodeBox | None:
        return next((node for group in self._view.groups for node in group.nodes
                     if node.lab_name == name), None)

    # -- the question -----------------------------------------------------------------------

    def _ask(self, name: str, action: str, *_checked: object, store: str = "") -> None:
        """Ask before a kill, stop, freeze or cut; a restore is asked for at once."""
        node = self._node(name)
        words = confirmation(action, name, node.role if node else "",
                             WHAT.get(store or self._store_of(name), "store"))
        if words is None:
            self.requested.emit(name, action)
            return
        if self.question is not None:
            self.question.close()
        title, text, yes = words
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self._view)
        go = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)  # Enter on a projector's keyboard breaks nothing
        box.setEscapeButton(keep)
        box.finished.connect(partial(self._answered, box, go, name, action))
        self.question = box
        box.open()

    def _answered(self, box: QMessageBox, go: QPushButton, name: str, action: str,
                  _result: int) -> None:
        if self.question is box:
            self.question = None
        box.deleteLater()
        if box.clickedButton() is go:
            self.requested.emit(name, action)

    def _store_of(self, name: str) -> str:
        return next((group.store for group in self._view.groups for node in group.nodes
                     if node.lab_name == name), "")
