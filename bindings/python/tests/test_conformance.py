"""Every conformance case through Client and AsyncClient over HTTPS, and through
AsyncClient over plain HTTP; every bulk case through both clients' create_users."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance import bulk_case_paths, case_paths, load, run_async, run_bulk_async, run_bulk_sync, run_sync
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


BULK_CASES = bulk_case_paths()
BULK_IDS = [path.stem for path in BULK_CASES]


@pytest.mark.parametrize("path", BULK_CASES, ids=BULK_IDS)
def test_bulk_sync(sandbox: Sandbox, path: Path) -> None:
    run_bulk_sync(sandbox, load(path))


@pytest.mark.asyncio
@pytest.mark.parametrize("path", BULK_CASES, ids=BULK_IDS)
async def test_bulk_async(sandbox: Sandbox, path: Path) -> None:
    await run_bulk_async(sandbox, load(path))
