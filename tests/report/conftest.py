"""One store, filled once by the real engine, for every report test."""

from __future__ import annotations

import pytest

from tests.report.helpers import ReportMade, make_report_store
from tests.support.browser import browser

__all__ = ["browser", "made"]


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> ReportMade:
    return make_report_store(tmp_path_factory.mktemp("report"))
