"""Placeholder: the redis server fixture is being written."""

import pytest


@pytest.fixture(scope="session")
def redis_server():
    pytest.skip("the redis test server is not written yet")
