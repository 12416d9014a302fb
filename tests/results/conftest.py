"""One store, filled once by the real engine, for every results test."""

from __future__ import annotations

import pytest

from tests.results.helpers import Made, make_store


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    return make_store(tmp_path_factory.mktemp("results") / "twoway.db")
