"""A bed's tile in the ward's grid: its view model, layout, painting, sparkline and still frame."""
