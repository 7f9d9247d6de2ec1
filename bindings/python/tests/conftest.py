"""In-process sandboxes for the whole session, each test getting one freshly reset: over
HTTPS (the clients trust its CA through ``ca_cert``), as every real call is, and over
plain HTTP."""

from __future__ import annotations

from typing import Iterator

import pytest

from truto_ticketing.testing import Sandbox


@pytest.fixture(scope="session")
def session_sandbox() -> Iterator[Sandbox]:
    with Sandbox(tls=True) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def session_plain_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(session_sandbox: Sandbox) -> Sandbox:
    session_sandbox.reset()
    return session_sandbox


@pytest.fixture
def plain_sandbox(session_plain_sandbox: Sandbox) -> Sandbox:
    session_plain_sandbox.reset()
    return session_plain_sandbox
