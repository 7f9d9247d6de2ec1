"""One in-process sandbox for the whole session; each test gets it freshly reset."""

from __future__ import annotations

from typing import Iterator

import pytest

from truto_ticketing.testing import Sandbox


@pytest.fixture(scope="session")
def session_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(session_sandbox: Sandbox) -> Sandbox:
    session_sandbox.reset()
    return session_sandbox
