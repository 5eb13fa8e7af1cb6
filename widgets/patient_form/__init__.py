"""The patient record form: the form, its field grid, its notices and the fields."""
