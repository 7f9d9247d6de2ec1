"""Every conformance case, through Client and through AsyncClient.

AsyncClient makes a call alone in flight on the event loop's thread, which every case
is; the ``io_thread`` run sends the same calls through the SDK's I/O thread, the way
AsyncClient sends calls that overlap."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance import case_paths, load, run_async, run_sync
from truto_ticketing.testing import Sandbox

CASES = case_paths()
IDS = [path.stem for path in CASES]


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_sync(sandbox: Sandbox, path: Path) -> None:
    run_sync(sandbox, load(path))


@pytest.mark.asyncio
@pytest.mark.parametrize("path", CASES, ids=IDS)
async def test_async(sandbox: Sandbox, path: Path) -> None:
    await run_async(sandbox, load(path))


@pytest.mark.asyncio
@pytest.mark.parametrize("path", CASES, ids=IDS)
async def test_async_io_thread(sandbox: Sandbox, path: Path) -> None:
    await run_async(sandbox, load(path), drive_lone_calls=False)
