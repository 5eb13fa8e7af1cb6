"""One waveform engine: the Qt-free sweep model (`model`, `ring`) and trace layer (`trace`), the
screen's scale (`scale`), and the QPainter renderer (`painter`) that the bed tiles and the
selected bed's strips both draw with."""
