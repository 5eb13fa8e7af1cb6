"""The demo hospital a station fills itself with on a first run: its wards, beds, patients, care teams, and their recent history."""
