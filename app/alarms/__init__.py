"""Alarm logic: threshold rules and the engine that turns vital samples into alarms."""
