"""`ward-station bench`: measurements of the real station window, each a named benchmark.

Only the names live here, so that the command line can list them without importing Qt; a
benchmark's code is imported when it runs (`app.bench.harness.benchmarks()`). Adding one: its
name here, its function there; the harness gives it the running bench station.
"""

BENCHMARK_NAMES = ("alarms",)
