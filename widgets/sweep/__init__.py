"""One waveform engine: the Qt-free sweep model (`model`, `ring`), the screen's scale (`scale`),
and its two renderers, QPainter for the bed tiles (`painter`) and pyqtgraph for the selected
bed (`curves`)."""
