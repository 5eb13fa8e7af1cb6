"""The care team of the selected patient as a graph: the view, its items, layout and legend."""
