"""Colours of the station: IEC 60601-1-8 alarm colours and the dark central-station theme."""

from __future__ import annotations

from stores.model import Priority, Waveform

# IEC 60601-1-8 colours of the visual alarm signal.
ALARM_COLOURS = {
    Priority.HIGH: "#e0262b",  # red
    Priority.MEDIUM: "#f5c400",  # yellow
    Priority.LOW: "#19c3e6",  # cyan
}
# Text that stays readable on each alarm colour.
ALARM_TEXT_COLOURS = {
    Priority.HIGH: "#ffffff",
    Priority.MEDIUM: "#111111",
    Priority.LOW: "#111111",
}
# Flash frequency in Hz (IEC 60601-1-8: high 1.4-2.8 Hz, medium 0.4-0.8 Hz, low steady).
ALARM_FLASH_HZ = {Priority.HIGH: 2.0, Priority.MEDIUM: 0.6, Priority.LOW: 0.0}

BACKGROUND = "#101418"
PANEL = "#181e24"
BORDER = "#2c3640"
TEXT = "#e8edf2"
TEXT_DIM = "#8a96a3"
STALE = "#7a7f85"
UP = "#3cc46b"
DEGRADED = "#f5a623"
DOWN = "#e0262b"
# The SIMULATED mark: violet, a colour no alarm, vital or store state uses.
SIMULATED = "#b48cff"
SIMULATED_TEXT = "#14101c"

# Conventional monitor colours per vital, so a nurse finds a number where they expect it.
VITAL_COLOURS = {
    "heart_rate": "#3cdc5a",  # green
    "spo2": "#3ec9f0",  # cyan-blue
    "resp_rate": "#f2e14c",  # yellow
    "nibp_sys": "#f07ad8",  # magenta
    "nibp_dia": "#c060b0",
    "nibp_mean": "#ff9ae6",
    "temperature": "#ffffff",
}
# Each waveform in the colour of the number it goes with: ECG with the heart rate, pleth with SpO₂.
WAVEFORM_COLOURS = {
    Waveform.ECG_II: VITAL_COLOURS["heart_rate"],
    Waveform.PLETH: VITAL_COLOURS["spo2"],
}
