"""A small lab for the tests of links and node actions: some of the lab's own servers (InfluxDB
with the station's link to it, a Redis), started by the lab's own code in a temporary folder
with a station config beside them, as `lab up` leaves them; far quicker than a whole lab."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from app.config import load_config
from app.lab import control, probes
from app.lab.links import start_links
from app.lab.programs import redis_program
from app.lab.redis_nodes import SECRET, redis_nodes
from app.lab.state import CONFIG, Lab, new_secret
from app.lab.station_files import write_station_files
from app.lab.store_nodes import influx_node, influx_url
from stores import open_stores
from tests.waiting import eventually_blocking


def small_lab(folder: Path, *, influx: bool = True, redis: bool = False) -> Lab:
    """The lab in `folder` with the servers asked for, every one answering; skips the test
    where one is not installed. `lab.down()` it afterwards (`down_quietly`)."""
    folder.mkdir(parents=True)
    lab, urls, secrets = Lab(folder), {}, {SECRET: new_secret()}
    if influx:
        node, note = influx_node(folder)
        if node is None:
            pytest.skip(note)
        lab.nodes.append(node)
        urls["vitals"] = influx_url(node)
    if redis:
        program = redis_program()
        if program is None:
            pytest.skip("no redis-server here")
        lab.nodes.append(redis_nodes(folder, program, secrets[SECRET])[0])  # the master alone
    for node in lab.nodes:
        node.start()
    urls = start_links(lab, urls)
    lab.save()
    write_station_files(folder, urls, secrets)
    for node in lab.nodes:
        eventually_blocking(lambda node=node: probes.answers(node, secrets), 30,
                            f"{node.name} answering")
    asyncio.run(_prepare(folder))
    return lab


async def _prepare(folder: Path) -> None:
    """What `lab up`'s `check --init` does: each real store's database and schema made."""
    config = load_config(folder / CONFIG, environ={})
    stores = await open_stores(dataclasses.replace(config.store_config,
                                                   data_dir=folder / "prepare"))
    try:
        for name, url in config.stores.items():
            if url != "embedded":
                await getattr(stores, name).prepare(create=True)
    finally:
        await stores.close()


def down_quietly(lab: Lab) -> None:
    if lab.folder.exists():
        control.down(Lab.load(lab.folder), lambda _: None)


def lab_up_or_fail(folder: Path, said: list[str], *, seed: bool = False) -> Lab:
    """`lab up` without Java in `folder`; the test fails with what it said when it did not
    finish, and what did start is stopped first (a loaded machine's check --init failed once
    and left the servers running after the test run)."""
    from app.lab.up import lab_up

    if lab_up(folder, said.append, java=False, seed=seed) != 0:
        started = Lab.load(folder)
        if started is not None:
            control.down(started, said.append)
        pytest.fail("\n".join(said))
    lab = Lab.load(folder)
    assert lab is not None
    return lab
