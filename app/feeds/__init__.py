"""Feeds: QObjects that await the stores and hand the widgets plain records through signals."""
