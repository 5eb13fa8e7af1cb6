"""Qt widgets of the station window. They take plain records through slots and report what the
user did through signals; they never reach a store."""
