"""The alarm banner across the top of the window: the banner, its rows and their words."""
