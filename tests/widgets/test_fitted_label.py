"""A narrow banner (a 1366 px screen, an audio warning beside it) leaves words out in a set order
and never cuts one unseen; the full text stays in `text()` and the tooltip."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stores.model import Priority, Vital
from tests.widgets.test_alarm_banner import T0, alarm
from widgets.alarm_banner.banner import AlarmBanner
from widgets.alarm_banner.text import NO_AUDIO_OUTPUT, NO_AUDIO_SHORT
from widgets.fitted_label import ELLIPSIS, fitted_text

LONG = alarm("a-long", Priority.MEDIUM, "HR high", vital=Vital.HEART_RATE, value=131.0,
             bed_id="north-1-11", patient_name="Aisha Garcia-Villanueva Montgomery")


def _banner(qtbot, width: int, shown=LONG) -> AlarmBanner:
    banner = AlarmBanner(clock=lambda: T0 + 5)
    qtbot.addWidget(banner)
    banner.set_audio_available(False)
    banner.show_alarms([shown])
    banner.resize(width, 60)
    banner.show()
    qtbot.waitUntil(lambda: banner.width() == width)
    return banner


def _fits(label) -> bool:
    return label.fontMetrics().horizontalAdvance(label.shown_text()) <= label.contentsRect().width()


def test_at_1366_px_the_time_then_the_name_go_and_bed_condition_and_value_stay(qtbot):
    banner = _banner(qtbot, 1366)
    shown = banner.text.shown_text()
    assert shown.startswith("** MEDIUM \u00b7 Bed 11") and "HR high 131 bpm" in shown, shown
    assert "14:03:07" not in shown and _fits(banner.text)
    assert banner.text.text().endswith("HR high 131 bpm \u00b7 14:03:07")  # all of it, kept
    assert banner.text.text() in banner.top.toolTip()
    assert banner.audio.shown_text() == NO_AUDIO_SHORT and _fits(banner.audio)
    assert banner.audio.text() == NO_AUDIO_OUTPUT


def test_a_wide_banner_says_everything(qtbot):
    banner = _banner(qtbot, 2400)
    assert banner.text.shown_text() == banner.text.text()
    assert banner.audio.shown_text() == NO_AUDIO_OUTPUT


def test_where_nothing_fits_the_text_is_cut_with_an_ellipsis_never_unseen(qtbot):
    wordy = alarm("a-wordy", Priority.MEDIUM, "Arrhythmia suspected, check the leads and the "
                  "electrode sites before you trust the rate", bed_id="north-1-11")
    banner = _banner(qtbot, 1366, wordy)
    shown = banner.text.shown_text()
    assert shown.endswith(ELLIPSIS) and shown.startswith("** MEDIUM"), shown
    assert _fits(banner.text)


@given(forms=st.lists(st.text(min_size=0, max_size=40), min_size=1, max_size=4),
       width=st.integers(min_value=0, max_value=60))
def test_the_first_form_that_fits_else_the_last_cut(forms, width):
    """With one column a character: what is shown always fits, and is a whole form when one
    fits."""
    def cut(text: str) -> str:
        return text if len(text) <= width else (text[:width - 1] + ELLIPSIS if width else "")

    shown = fitted_text(forms, lambda t: len(t) <= width, cut)
    assert len(shown) <= width
    whole = [form for form in forms if len(form) <= width]
    assert shown == (whole[0] if whole else cut(forms[-1]))
