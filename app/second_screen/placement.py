"""Where the second window goes: on a screen other than the main window's, maximised; with only
one screen, at a window's size offset from the main window, its status bar saying so."""

from __future__ import annotations

import logging

from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QMainWindow, QWidget

log = logging.getLogger(__name__)

ONE_SCREEN_SIZE = (1280, 800)
ONE_SCREEN_OFFSET = 48  # px right and down of the main window: both title bars stay in reach
ONE_SCREEN_NOTE = ("One screen found: this window lies over the station's main window; "
                   "move it to a second screen when there is one")


def other_screen(main: QWidget) -> QScreen | None:
    """A screen other than the one `main` is on (the first of them), or None."""
    here = main.screen()
    return next((screen for screen in QGuiApplication.screens() if screen is not here), None)


def show_second_window(window: QMainWindow, main: QWidget,
                       size: tuple[int, int] | None = None) -> QScreen | None:
    """Show `window` on another screen than `main`'s, maximised (or at `size`); the screen, or
    None when there is only one: then at `size` (or ONE_SCREEN_SIZE), offset from `main`."""
    screen = other_screen(main)
    if screen is None:
        log.info("one screen: the second window is placed over the main window")
        window.statusBar().showMessage(ONE_SCREEN_NOTE)
        window.resize(*(size or ONE_SCREEN_SIZE))
        window.move(main.geometry().topLeft() + QPoint(ONE_SCREEN_OFFSET, ONE_SCREEN_OFFSET))
        window.show()
        return None
    log.info("the second window goes to screen %s", screen.name())
    window.setScreen(screen)
    window.move(screen.availableGeometry().topLeft())
    if size:
        window.resize(*size)
        window.show()
    else:
        window.showMaximized()
    return screen
