"""The `ward-station` command: run the station (default), `simulate` a ward's bedside monitors,
`check` the stores, `bench` the station window, or prepare the `lab`'s servers."""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
from pathlib import Path
from typing import NoReturn

from app import paths
from app.config import Config, ConfigError, load_config
from app.startup import StartupError

PROG = "ward-station"
COMMANDS = ("run", "simulate", "check", "bench", "lab")
MAX_BENCH_BEDS = 64
MAX_BENCH_STATIONS = 64
INGEST_BATCHES, MAX_INGEST_ROWS = 4, 10_000_000  # bench --ingest-rows
MIN_WINDOW, MAX_WINDOW = 200, 8192  # px a side of --size: a window, not a typo


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message} (see {PROG} --help)\n")


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="PATH",
                        help="TOML config file (default: the user's config folder, if it has one)")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="folder of the embedded database (default: the user's data folder)")
    parser.add_argument("--region", help="the station's region, e.g. north")
    parser.add_argument("--ward", help="the ward this station shows, e.g. north-1")
    parser.add_argument("--log-level", default="WARNING",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="default: WARNING")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Ward Station: an open central station for wards.",
                     epilog=f"With no command, '{PROG}' runs the station. "
                            f"'{PROG} run --help' lists the station's options.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    run = commands.add_parser("run", help="open the station window (the default)")
    _common_options(run)
    run.add_argument("--second-ward", metavar="WARD",
                     help="also show this ward's beds and the alarm banner in a second window, "
                          "on the second screen if there is one; the station's own ward: its "
                          "beds beyond the first 32")
    run.add_argument("--no-simulator", dest="simulator", action="store_false", default=None,
                     help="do not start the built-in bedside simulator")
    run.add_argument("--mute-alarms", dest="alarm_audio", action="store_false", default=None,
                     help="no alarm sounds; only where environment = \"training\" (a "
                          "clinical station refuses to start), the banner says so, audited")
    run.add_argument("--show", choices=["ward", "cluster"], default="ward",
                     help="the view in front at start: the ward's beds (default), or the "
                          "cluster, every store's nodes and their states (for trainers)")
    run.add_argument("--screenshot", type=Path, metavar="PATH",
                     help="render the window to a PNG after --after seconds, then exit (a "
                          "second window to PATH's name with -2, e.g. shot-2.png)")
    run.add_argument("--after", type=float, default=8.0, metavar="SECONDS",
                     help="seconds of simulated ward before --screenshot (default: 8)")
    run.add_argument("--size", type=_window_size, default=None, metavar="WIDTHxHEIGHT",
                     help="the window's size in pixels, e.g. 1366x768 (default: maximised "
                          "on a screen, 1920x1080 for --screenshot)")
    simulate = commands.add_parser("simulate", help="run the bedside simulator on its own, "
                                   "feeding the configured stores until interrupted (real "
                                   "stores only with environment = \"training\")")
    _common_options(simulate)
    simulate.add_argument("--backfill", type=_duration, metavar="DURATION",
                          help="first write this much past 1 Hz vitals (e.g. 7d, 24h, 90m; at "
                               "most 31d), ending now, for every occupied bed of the simulated "
                               "wards, then simulate live")
    simulate.add_argument("--backfill-only", action="store_true",
                          help="with --backfill: exit when the backfill is written")
    simulate.add_argument("--only-region", metavar="REGION",
                          help="simulate only this region's demo wards (default: every ward of "
                               "the demo hospital); for a Redis user of one region")
    check = commands.add_parser("check", help="connect to each configured store, print its "
                                "health and nodes, and exit non-zero if any is unreachable")
    _common_options(check)
    check.add_argument("--init", action="store_true",
                       help="create the schema a real store lacks (databases, indexes, "
                            "constraints, keyspace and tables)")
    _bench_parser(commands)
    _lab_parser(commands)
    return parser


def _lab_parser(commands) -> None:
    lab = commands.add_parser(
        "lab", help="a replicated stack of the five real servers on this machine, for "
                    "trainers (and the tests)",
        description="A replicated stack on loopback, from the servers installed here: Redis "
                    "(a master, two replicas, three Sentinels), MongoDB (a mongod replica set, "
                    "else one nx-27017), InfluxDB, Neo4j and three Cassandra nodes. Neo4j and "
                    "Cassandra come from Maven Central and need Java 17 and Maven. Nothing "
                    "here touches a server the lab did not start.")
    lab.set_defaults(log_level="WARNING")
    actions = lab.add_subparsers(dest="lab_command", metavar="ACTION", required=True,
                                 parser_class=_Parser)
    actions.add_parser(
        "fetch", help="download Neo4j and Cassandra with their dependencies into the user's "
                      "cache folder, showing each artifact as it arrives; does nothing when "
                      "they are there already",
        description="Download Neo4j Community and Apache Cassandra with their dependencies "
                    "(the versions packaging/servers/pom.xml names) into the user's cache "
                    "folder, with Maven; a second run finds them and does nothing.")
    for name, text in (
            ("up", "start the stack in a folder of its own, wait for every server, write "
                   "DIR/station.toml (and the generated secrets in DIR/station.secrets) and run "
                   "check --init on it; a lab already up is reused, a stale one cleaned"),
            ("status", "the lab's servers: store, node, role as the server says it now, "
                       "address, pid, state, memory"),
            ("down", "stop every server of the lab and remove its folder")):
        action = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        _lab_dir_option(action)
        if name == "up":
            action.add_argument("--no-java", dest="java", action="store_false",
                                help="leave Neo4j and Cassandra out (about 3.5 GB of memory and "
                                     "30 s of start-up here): the station keeps the care network "
                                     "and analytics in its embedded store")
    for name, text in (
            ("kill", "end a server at once (SIGKILL), as a crash would"),
            ("stop", "stop a server cleanly (SIGTERM)"),
            ("freeze", "stop a server's process (SIGSTOP): a hung node that holds its port"),
            ("cut", "cut the station's link to a store (link-vitals, link-patients, "
                    "link-network): its connections dropped, new ones refused, while the server "
                    "runs on"),
            ("restore", "continue a frozen server, start a stopped or killed one again, or "
                        "relay a cut link again")):
        action = actions.add_parser(name, help=text, description=text[0].upper() + text[1:]
                                    + ". NAME as `lab status` shows it: redis-1, sentinel-2, "
                                      "mongo-1, influxdb, neo4j, cassandra-3, link-vitals...")
        action.add_argument("node", metavar="NAME", help="the server, e.g. redis-1")
        _lab_dir_option(action)
    from app.lab.drills.registry import DRILLS, FAULTS

    text = ("run a failover drill on the lab while the simulator feeds the ward, and print its "
            "figures and verdict (what was lost, counted against the drill's own record of "
            "what it wrote, read back from the servers)")
    drill = actions.add_parser("drill", help=text, description=text[0].upper() + text[1:]
                               + ". Its steps and counters go to LAB/drill/events.jsonl as "
                                 "they happen, for a station window open on the lab.")
    drill.add_argument("drill", choices=list(DRILLS), metavar="DRILL", help="; ".join(
        f"{name}: {spec.help}" for name, spec in DRILLS.items()))
    odd = [f"{spec.faults[0]} for {name}" for name, spec in DRILLS.items()
           if spec.faults[0] != "kill"]
    drill.add_argument("--fault", choices=FAULTS, help="what is done to the node: kill "
                       "(SIGKILL), stop (a clean stop), freeze (SIGSTOP), stepdown (MongoDB's "
                       "primary steps down), cut (the station's link dropped); "
                       f"default kill{', but ' if odd else ''}"
                       f"{', '.join(odd)}")
    takes_store = [name for name, spec in DRILLS.items() if spec.stores]
    drill.add_argument("--store", choices=sorted({s for spec in DRILLS.values()
                                                  for s in spec.stores}),
                       help=f"{', '.join(takes_store)}: the store whose link is cut "
                       "(vitals, patients or network; default: vitals, else the first store the "
                       "lab has a link to)")
    drill.add_argument("--json", action="store_true", help="end with the figures as one JSON line")
    drill.add_argument("--report", type=Path, metavar="DIR",
                       help="also write the figures to DIR/drill-NAME.json, and the run's "
                       "timeline, figures and verdict to DIR/drill-NAME.png and .pdf")
    _lab_dir_option(drill)


def _lab_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, metavar="DIR", dest="lab_dir",
                        help="the lab's folder (default: lab/ in the user's data folder)")


def _bench_parser(commands) -> None:
    from app.bench import BENCHMARK_NAMES, DEFAULT_BENCHMARK

    bench = commands.add_parser(
        "bench", help="measure the station window on a bench ward fed by the simulator",
        description="Run the real station window (1920x1080, offscreen when there is no "
                    "display) on a temporary bench ward whose beds the built-in simulator "
                    "feeds, measure, and print the figures, with the targets where a figure "
                    "has one.")
    bench.add_argument("benchmark", nargs="?", default=DEFAULT_BENCHMARK, choices=BENCHMARK_NAMES,
                       help="window (the default): start-up to the first painted frame; the bed "
                            "grid's frame rate and frame times, CPU, memory and the garbage "
                            "collector's pauses of the UI thread while every bed "
                            "sweeps its ECG, and the same for the beds drawn the plain pyqtgraph "
                            "way; the 24 h and 7 d history of a bed with a backfilled "
                            "week; batched ingest into a scratch embedded store. "
                            "alarms: time from publishing an alarm to the banner having "
                            "painted it, at 10 alarms a second. "
                            "cache: the reads of --stations stations of a region that reach the "
                            "patient and network stores without and with the Redis cache, over "
                            "ten simulated minutes at 100x (no window, no --seconds; without "
                            "--config on a redis-server of its own, from PATH)")
    bench.add_argument("--beds", type=int, default=32, metavar="N",
                       help=f"beds of the bench ward, each with a patient (default: 32, "
                            f"at most {MAX_BENCH_BEDS}); more than 32 are shown as a station "
                            f"shows them, in two windows, the rest on the second screen's")
    bench.add_argument("--seconds", type=float, default=20.0, metavar="SECONDS",
                       help="window, alarms: how long to measure (default: 20); window, from "
                            "180 s on: also the memory's growth per hour (a soak: --seconds 1800 "
                            "--no-compare)")
    bench.add_argument("--no-compare", dest="compare", action="store_false",
                       help="window: skip the comparison with the same beds drawn the plain "
                            "pyqtgraph way (a PlotWidget per bed, setData every 16 ms), which "
                            "otherwise runs as long again and prints the ratios")
    bench.add_argument("--stations", type=int, default=8, metavar="N",
                       help=f"cache: stations of the region replayed (default: 8, at most "
                            f"{MAX_BENCH_STATIONS})")
    bench.add_argument("--config", type=Path, metavar="PATH",
                       help="TOML config file whose store the benchmark measures: for window "
                            "the vitals store (stores.vitals, e.g. influxdb://127.0.0.1:8086/"
                            "vitals), for alarms the alert store (stores.alerts, e.g. "
                            "redis://127.0.0.1:6379/0), for cache the alert, patient and "
                            "network stores and the region; every other store, and that one without "
                            "--config, is embedded in a temporary folder (the ingest figure is "
                            "always the embedded store's)")
    bench.add_argument("--history", type=_duration, default=7 * 86400, metavar="DURATION",
                       dest="history_s",
                       help="window: how much past of the selected bed the history step "
                            "backfills before timing its 24 h and 7 d trends (default: 7d; "
                            "e.g. 1d for a quick run: the ranges are the same, with less data)")
    bench.add_argument("--ingest-rows", type=_ingest_rows, default=400_000, metavar="N",
                       help="window: rows the ingest step writes, in four batches of a quarter "
                            "(default: 400000, batches of 100000; fewer for a quick run)")
    bench.add_argument("--junk", action="store_true",
                       help="alarms, on a Redis alert store: also write junk on the region's "
                            "channel and stream (entry ids far ahead, NaN values, bytes that are "
                            "not JSON, unsigned alarms and forged clears of genuine ones) and "
                            "report whether every genuine alarm was still shown exactly once")
    bench.add_argument("--json", action="store_true",
                       help="also print the figures as one JSON object on the last line")
    bench.add_argument("--log-level", default="WARNING",
                       choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="default: WARNING")


def _window_size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise argparse.ArgumentTypeError(f"'{text}' is not a size such as 1366x768")
    size = int(width), int(height)
    if not all(MIN_WINDOW <= side <= MAX_WINDOW for side in size):
        raise argparse.ArgumentTypeError(
            f"each side must be between {MIN_WINDOW} and {MAX_WINDOW} pixels")
    return size


def _duration(text: str) -> int:
    from app.simulator.backfill import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _ingest_rows(text: str) -> int:
    """At least one row per batch, at most ten million rows (a typo, not a benchmark)."""
    try:
        rows = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of rows: {text!r}") from None
    if not INGEST_BATCHES <= rows <= MAX_INGEST_ROWS:
        raise argparse.ArgumentTypeError(
            f"{rows} rows: give {INGEST_BATCHES} to {MAX_INGEST_ROWS:,} rows")
    return rows


def parse_args(argv: list[str]) -> argparse.Namespace:
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help"):
        argv = ["run", *argv]
    args = build_parser().parse_args(argv)
    if args.command == "run" and args.after < 0:
        build_parser().error("--after must be 0 seconds or more")
    if args.command == "simulate" and args.backfill_only and args.backfill is None:
        build_parser().error("--backfill-only needs --backfill")
    if args.command == "bench" and not 1 <= args.beds <= MAX_BENCH_BEDS:
        build_parser().error(f"--beds must be between 1 and {MAX_BENCH_BEDS}")
    if args.command == "bench" and not 1 <= args.stations <= MAX_BENCH_STATIONS:
        build_parser().error(f"--stations must be between 1 and {MAX_BENCH_STATIONS}")
    if args.command == "bench" and not 0 < args.seconds < math.inf:
        build_parser().error("--seconds must be a number more than 0")
    return args


def _config(args: argparse.Namespace) -> Config:
    overrides = {"data_dir": args.data_dir, "region": args.region, "ward": args.ward,
                 "second_ward": getattr(args, "second_ward", None),
                 "simulator": getattr(args, "simulator", None),
                 "alarm_audio": getattr(args, "alarm_audio", None)}
    config = load_config(args.config, overrides)
    try:
        paths.ensure_writable_dir(config.data_dir)
    except OSError as exc:
        raise ConfigError(f"data folder {config.data_dir} is not writable: "
                          f"{exc.strerror or exc}") from None
    return config


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The Cassandra driver logs a traceback on every failed reconnect; the store itself reports
    # the reason once, in its health and its panel.
    logging.getLogger("cassandra").setLevel(max(logging.CRITICAL, logging.getLogger().level))
    try:
        if args.command == "bench":
            return _bench(args)
        if args.command == "lab":
            from app.lab.commands import run_lab
            return run_lab(args)
        config = _config(args)
        if args.command == "simulate":
            from app.simulator.standalone import run_standalone
            return run_standalone(config, args.backfill, args.backfill_only, args.only_region)
        if args.command == "check":
            return _check(config, args.init)
        return _run_window(config, args.screenshot, args.after, args.size, args.show)
    except (ConfigError, StartupError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130


def _run_window(config: Config, screenshot: Path | None, after_s: float,
                size: tuple[int, int] | None, show: str = "ward") -> int:
    if screenshot is not None and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import run_station
    from app.tasks import run_on_qt_loop
    from app.qt_messages import route_qt_messages_to_logging

    route_qt_messages_to_logging()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Ward Station")  # its theme comes once the window is built
    return run_on_qt_loop(run_station(config, screenshot, after_s, size, show))


def _check(config: Config, init: bool) -> int:
    import asyncio

    from app.check import check_stores

    return asyncio.run(check_stores(config, init, sys.stdout))


def _bench(args: argparse.Namespace) -> int:
    from app.bench.common import BenchError, BenchOptions
    from app.bench.harness import run_bench
    from app.bench.report import report_figures

    options = BenchOptions(args.benchmark, args.beds, args.seconds, args.config, args.junk,
                           args.history_s, compare=args.compare, ingest_rows=args.ingest_rows)

    def report(figures: dict) -> None:
        report_figures(figures, args.json)

    try:
        if args.benchmark == "cache":
            from app.bench.cache import run_cache_bench
            run_cache_bench(args.stations, args.config, report)
        else:
            run_bench(options, report)
    except BenchError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2
