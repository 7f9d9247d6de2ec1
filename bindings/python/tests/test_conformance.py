"""Every conformance case through Client and AsyncClient over HTTPS, and through
AsyncClient over plain HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance import case_paths, load, run_async, run_sync
from truto_ticketing.testing import Sandbox

CASES = case_paths()
IDS = [path.stem for path in CASES]


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_sync(sandbox: Sandbox, path: Path) -> None:
    assert sandbox.url.startswith("https://")
    run_sync(sandbox, load(path))


@pytest.mark.asyncio
@pytest.mark.parametrize("path", CASES, ids=IDS)
async def test_async(sandbox: Sandbox, path: Path) -> None:
    await run_async(sandbox, load(path))


@pytest.mark.asyncio
@pytest.mark.parametrize("path", CASES, ids=IDS)
async def test_async_plain_http(plain_sandbox: Sandbox, path: Path) -> None:
    assert plain_sandbox.url.startswith("http://")
    await run_async(plain_sandbox, load(path))
