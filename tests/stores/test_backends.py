"""The backends' specs: one per real backend, each complete, each kept in its store's folder
(that they import no driver: tests/app/test_startup_imports.py)."""

from __future__ import annotations

import importlib
import inspect

import pytest

from stores import STORE_NAMES
from stores.backends import SPECS, spec_for, specs_of
from stores.outbox.wrappers import Outboxed
from stores.store import Store


def test_every_store_has_a_real_backend_and_every_scheme_one_backend():
    assert {spec.store for spec in SPECS} == set(STORE_NAMES)
    for store in STORE_NAMES:
        schemes = [s for spec in specs_of(store) for s in spec.schemes]
        assert len(schemes) == len(set(schemes)), store
        assert all(spec_for(store, s).store == store for s in schemes)
    assert spec_for("vitals", "mongodb") is None


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_a_spec_opens_its_backend_and_wraps_it_for_the_outbox(spec):
    open_store = spec.open_store()
    assert inspect.iscoroutinefunction(open_store)
    assert set(spec.takes) <= set(inspect.signature(open_store).parameters)
    wrapper = spec.outbox_wrapper()
    assert issubclass(wrapper, Outboxed) and issubclass(wrapper, Store)
    # the backend's code lives in its store's folder: swapping it touches that folder only
    assert spec.factory.startswith(f"stores.{spec.store}.")
    assert set(spec.tls_schemes | spec.unverifying_schemes) <= set(spec.schemes)
    assert set(spec.path.required_by) <= set(spec.schemes)


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_every_backend_translates_its_driver_errors_under_one_name(spec):
    errors = errors_module(spec.factory.partition(":")[0])
    assert callable(errors.store_error)
    assert next(iter(inspect.signature(errors.store_error).parameters)) == "exc"


def errors_module(module: str):
    """`<backend>_errors` beside a backend's module, or `errors` in a backend's own folder."""
    package = module.rpartition(".")[0]
    for name in (f"{module}_errors", f"{package}.errors"):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    raise AssertionError(f"{module} has no errors module")
