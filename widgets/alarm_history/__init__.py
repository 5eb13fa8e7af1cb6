"""The ward's alarm history and per-shift figures: the view, its table model, the shift boxes, and the words."""
