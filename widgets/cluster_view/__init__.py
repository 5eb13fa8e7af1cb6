"""The cluster view: every store's nodes, their roles and states, for a class on a projector."""
