"""The panel frame: title, subtitle, and the switch between content and "Unavailable"."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit

import resources
from widgets import palette
from widgets.panel import Panel


@pytest.fixture
def content(qtbot):
    field = QLineEdit("Jane Doe")
    qtbot.addWidget(field)
    return field


@pytest.fixture
def panel(qtbot, content):
    panel = Panel("Patient", content)
    qtbot.addWidget(panel)
    return panel


def test_title_is_shown_and_subtitle_only_when_set(panel):
    title = panel.findChild(QLabel, "PanelTitle")
    subtitle = panel.findChild(QLabel, "PanelSubtitle")
    assert title.text() == "Patient" and title.isVisibleTo(panel)
    assert not subtitle.isVisibleTo(panel)
    panel.set_subtitle("Bed 7 · Jane Doe")
    assert subtitle.isVisibleTo(panel) and panel.subtitle() == "Bed 7 · Jane Doe"
    panel.set_subtitle("")
    assert not subtitle.isVisibleTo(panel)


def test_unavailable_hides_the_content_and_says_why(panel, content):
    panel.show_unavailable("patients store is down")
    message = panel.findChild(QLabel, "PanelUnavailable")
    assert message.isVisibleTo(panel) and message.text() == "Unavailable: patients store is down"
    assert not content.isVisibleTo(panel)
    assert not panel.is_available()
    assert panel.unavailable_reason() == "patients store is down"


def test_available_again_restores_the_same_content_with_its_state(panel, content):
    panel.show_unavailable("timeout")
    panel.show_available()
    assert content.isVisibleTo(panel) and content.text() == "Jane Doe"
    assert panel.is_available() and panel.unavailable_reason() is None
    assert not panel.findChild(QLabel, "PanelUnavailable").isVisibleTo(panel)


def test_theme_parses_and_uses_the_palette(qapp, qtbot):
    theme = resources.theme()
    assert "@ICONS@" not in theme
    for colour in (palette.BACKGROUND, palette.PANEL, palette.TEXT, palette.BORDER):
        assert colour in theme
    panel = Panel("Beds", QLineEdit())
    qtbot.addWidget(panel)
    # A stylesheet Qt cannot parse logs a warning, which fails the test. Set on the panel, not
    # the application: that would re-polish every widget earlier tests left alive (18 s).
    panel.setStyleSheet(theme)
    panel.grab()  # polishes every widget against the theme
