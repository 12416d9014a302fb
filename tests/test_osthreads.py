"""The OS names of the hot path's threads: what ``top -H`` and ``bench/smpp.py`` read."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from engine.osthreads import name_this_thread

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")


def _comm(tid: int) -> str:
    return Path(f"/proc/self/task/{tid}/comm").read_text(encoding="utf-8").strip()


def test_a_thread_names_itself_and_a_long_name_is_cut_to_15_bytes() -> None:
    seen: list[str] = []

    def run(name: str) -> None:
        name_this_thread(name)
        seen.append(_comm(threading.get_native_id()))

    for name in ("twoway-store", "twoway-a-name-longer-than-15"):
        thread = threading.Thread(target=run, args=(name,))
        thread.start()
        thread.join()
    assert seen == ["twoway-store", "twoway-a-name-l"]
