"""The station's config for a lab (`DIR/station.toml`) and the secrets file beside it."""

from __future__ import annotations

import json
from pathlib import Path

from app.lab.redis_nodes import write_private
from app.lab.state import CONFIG, SECRETS
from stores import STORE_NAMES

DATA = "station-data"

HEADER = """\
# Written by `ward-station lab up` for the lab in this folder. Every server listens on loopback
# without TLS: the URLs say insecure=true (the station shows those stores as INSECURE), which
# is right for a laptop and wrong for a ward.
#   ward-station --config {config}
#   ward-station simulate --config {config}
"""


def write_station_files(folder: Path, urls: dict[str, str], secrets: dict[str, str]) -> Path:
    """station.toml (stores not in `urls` stay embedded) and station.secrets; the config."""
    config = folder / CONFIG
    lines = [HEADER.format(config=config), 'region = "north"', 'ward = "north-1"',
             'environment = "training"  # the simulator may feed these servers',
             "simulator = true  # the station's own bedside simulator feeds the lab's wards",
             f'secrets_file = "{SECRETS}"',
             f"data_dir = {json.dumps(str(folder / DATA))}  # the embedded stores and outbox",
             "", "[stores]"]
    lines += [f"{name} = {json.dumps(urls.get(name, 'embedded'))}" for name in STORE_NAMES]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_private(folder / SECRETS, "".join(f"{name} = {json.dumps(value)}\n"
                                            for name, value in sorted(secrets.items())))
    return config
