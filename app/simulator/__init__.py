"""The built-in bedside simulator: simulated monitors that feed the stores like a real gateway."""
