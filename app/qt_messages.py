"""Qt's own messages go to Python logging, without the offscreen platform's harmless chatter."""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

# The offscreen platform (screenshots, CI) says this on every window shown; nothing is wrong.
HARMLESS = ("This plugin does not support propagateSizeHints",)
LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _to_logging(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if not message.startswith(HARMLESS):
        log.log(LEVELS.get(kind, logging.WARNING), "%s", message)


def route_qt_messages_to_logging() -> None:
    qInstallMessageHandler(_to_logging)
