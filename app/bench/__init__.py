"""`ward-station bench`: measurements of the real station window, each a named benchmark.

Only the names live here, so that the command line can list them without importing Qt; a
benchmark's code is imported when it runs (`app.bench.harness.benchmarks()`). Adding one: its
name here with the one store that `--config` gives it, its function there; the harness gives it
the running bench station.
"""

# Each benchmark's name, and the store it measures: with --config, that store comes from the
# config file, every other one is embedded in a temporary folder. The first is the default.
# "cache" runs no window (`app.bench.cache`): it takes the config's Redis, patient and network
# stores.
BENCHMARK_STORES = {"window": "vitals", "alarms": "alerts", "cache": "alerts"}
BENCHMARK_NAMES = tuple(BENCHMARK_STORES)
DEFAULT_BENCHMARK = BENCHMARK_NAMES[0]
