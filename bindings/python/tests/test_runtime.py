"""The runtime: threads, fork, cancellation, signals, panics, closing."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import Any, Dict, List, Optional

import pytest

import truto_ticketing as tt
from truto_ticketing import _native
from truto_ticketing.testing import Sandbox

ADA: Dict[str, Any] = {"name": "Ada Lovelace", "emails": [{"email": "ada@example.com"}]}


def client_for(sandbox: Sandbox) -> tt.Client:
    return tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)


def test_sixteen_threads_share_one_client(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    sandbox.push_faults("sandbox-teamwork", [{"delay_ms": 500}] * 16)

    def create(index: int) -> tt.User:
        return client.create_user(
            "sandbox-teamwork", name=f"User {index}", emails=[{"email": f"user{index}@example.com"}]
        )

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        users = list(pool.map(create, range(16)))
    elapsed = time.monotonic() - started
    assert sorted(user.name or "" for user in users) == sorted(f"User {i}" for i in range(16))
    assert len({user.id for user in users}) == 16
    assert len(sandbox.users("sandbox-teamwork")) == 16
    # One after another (the GIL held while waiting) would take 16 x 0.5 s.
    assert elapsed < 4.0, f"16 delayed calls took {elapsed:.1f} s: they did not overlap"


def wait_for_child(pid: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError(f"the forked child hung for {timeout} s")


def read_all(fd: int) -> str:
    chunks: List[bytes] = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_clients_work_after_fork(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    client.create_user("sandbox-dixa", **ADA)  # the runtime and the pool are in use
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report on the pipe, never return into pytest
        code = 1
        try:
            os.close(read_end)
            inherited = client.create_user("sandbox-dixa", **ADA)
            fresh = client_for(sandbox).create_user("sandbox-dixa", **ADA)

            async def in_asyncio() -> tt.User:
                async with tt.AsyncClient(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem) as aclient:
                    user: tt.User = await aclient.create_user("sandbox-dixa", **ADA)
                    return user

            awaited = asyncio.run(in_asyncio())
            os.write(write_end, f"{inherited.id} {fresh.id} {awaited.id}".encode())
            code = 0
        except BaseException as error:  # noqa: BLE001 - everything must reach the parent
            os.write(write_end, repr(error).encode())
        finally:
            os._exit(code)
    os.close(write_end)
    exit_code = wait_for_child(pid, timeout=30)
    output = read_all(read_end)
    assert exit_code == 0, output
    assert len(output.split()) == 3, output
    client.create_user("sandbox-dixa", **ADA)  # and the parent carries on
    assert len(sandbox.users("sandbox-dixa")) == 5


def test_cancelling_a_task_aborts_its_request() -> None:
    """A server that never answers: after cancel(), the client closes the connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    port = listener.getsockname()[1]

    async def main() -> None:
        async with tt.AsyncClient(token="tok-cancel-0001", base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            task = asyncio.create_task(client.create_user("sandbox-dixa", **ADA))
            loop = asyncio.get_running_loop()
            connection, _ = await loop.run_in_executor(None, listener.accept)
            with connection:
                connection.settimeout(10)
                request = await loop.run_in_executor(None, connection.recv, 65536)
                assert request.startswith(b"POST /unified/ticketing/users?")
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                started = time.monotonic()
                connection.settimeout(5)
                rest = await loop.run_in_executor(None, drain, connection)
                assert rest is not None, "the client kept the connection open after cancel()"
                assert time.monotonic() - started < 5

    try:
        asyncio.run(main())
    finally:
        listener.close()


def drain(connection: socket.socket) -> Optional[bytes]:
    """Reads until the peer closes (returns what came), or None on timeout."""
    received = b""
    try:
        while chunk := connection.recv(65536):
            received += chunk
    except socket.timeout:
        return None
    except ConnectionResetError:
        pass
    return received


def test_wait_for_timeout_cancels_against_the_sandbox(sandbox: Sandbox) -> None:
    sandbox.push_faults("sandbox-dixa", [{"delay_ms": 1000}])

    async def main() -> None:
        async with tt.AsyncClient(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem) as client:
            started = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.create_user("sandbox-dixa", **ADA), 0.3)
            assert time.monotonic() - started < 1
            # Past the delay: the sandbox saw the client hang up, so nothing was created.
            await asyncio.sleep(1.2)
            assert [request["status"] for request in sandbox.requests()] == [None]
            assert sandbox.users("sandbox-dixa") == []
            # The client is still good for the next call.
            user = await client.create_user("sandbox-dixa", **ADA)
            assert user.name == "Ada Lovelace"

    asyncio.run(main())


class Interrupted(Exception):
    pass


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs signal.setitimer")
def test_a_signal_interrupts_a_waiting_sync_call(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    sandbox.push_faults("sandbox-dixa", [{"delay_ms": 1000}])

    def on_alarm(signum: int, frame: Optional[FrameType]) -> None:
        raise Interrupted()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        started = time.monotonic()
        with pytest.raises(Interrupted):
            client.create_user("sandbox-dixa", **ADA)
        assert time.monotonic() - started < 0.9
        time.sleep(1.2)  # past the delay: the request was dropped, nothing was created
        assert [request["status"] for request in sandbox.requests()] == [None]
        assert sandbox.users("sandbox-dixa") == []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


EXIT_RIGHT_AFTER_THE_LAST_AWAIT = """
import asyncio, sys
import truto_ticketing as tt

async def main() -> None:
    async with tt.AsyncClient(token=sys.argv[1], base_url=sys.argv[2]) as client:
        await asyncio.gather(*(client.create_user(sys.argv[3], name="Ada", emails=[{"email": "a@b.co"}])
                               for _ in range(20)))

asyncio.run(main())
"""


def test_a_program_may_exit_right_after_its_last_await() -> None:
    """The interpreter finalizes while tokio's threads are still finishing up: none of
    them may be inside Python then. Results used to be handed over that way, and about
    one process in 40 aborted at exit (``PyGILState_Release ... finalizing``)."""
    with Sandbox(rate_limits=False) as sandbox:
        for _ in range(40):
            finished = subprocess.run(
                [sys.executable, "-c", EXIT_RIGHT_AFTER_THE_LAST_AWAIT, sandbox.token, sandbox.url, "sandbox-dixa"],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert finished.returncode == 0, finished.stderr[-2000:]


def test_a_panic_becomes_an_exception() -> None:
    with pytest.raises(BaseException, match="boom") as caught:
        _native._test_panic("boom")
    assert type(caught.value).__name__ == "PanicException"

    async def main() -> None:
        with pytest.raises(BaseException, match="boom") as caught:
            await _native._test_panic_async("boom")
        assert type(caught.value).__name__ == "PanicException"
        await _native._test_panic_async("")  # and the runtime still runs futures

    asyncio.run(main())


def test_close_and_context_managers(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        client.create_user("sandbox-dixa", **ADA)
    with pytest.raises(RuntimeError, match="closed"):
        client.create_user("sandbox-dixa", **ADA)
    assert "closed" in repr(client)

    async def main() -> None:
        async with tt.AsyncClient(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem) as aclient:
            await aclient.create_user("sandbox-dixa", **ADA)
        with pytest.raises(RuntimeError, match="closed"):
            await aclient.create_user("sandbox-dixa", **ADA)
        other = tt.AsyncClient(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)
        await other.close()
        with pytest.raises(RuntimeError, match="closed"):
            await other.create_user("sandbox-dixa", **ADA)

    asyncio.run(main())
    assert len(sandbox.users("sandbox-dixa")) == 2


def test_create_user_is_a_coroutine_for_task_groups(sandbox: Sandbox) -> None:
    async def main() -> List[tt.User]:
        async with tt.AsyncClient(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem) as client:
            tasks = [
                asyncio.create_task(
                    client.create_user("sandbox-dixa", name=f"U{i}", emails=[{"email": f"u{i}@example.com"}])
                )
                for i in range(5)
            ]
            return list(await asyncio.gather(*tasks))

    users = asyncio.run(main())
    assert [user.name for user in users] == [f"U{i}" for i in range(5)]


def test_settings_from_the_environment(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUTO_API_TOKEN", sandbox.token)
    monkeypatch.setenv("TRUTO_BASE_URL", sandbox.url)
    client = tt.Client(ca_cert=sandbox.ca_pem)
    assert client.base_url == sandbox.url
    assert client.timeout == 60.0 and client.max_retries == 2
    client.create_user("sandbox-dixa", **ADA)
    version = sys.version_info
    agent = sandbox.requests()[-1]["headers"]["user-agent"]
    assert agent.endswith(f"python/{version.major}.{version.minor}.{version.micro}"), agent
    monkeypatch.delenv("TRUTO_API_TOKEN")
    with pytest.raises(tt.InvalidInputError) as caught:
        tt.Client()
    assert caught.value.field == "token"


def test_client_settings_are_readable(sandbox: Sandbox) -> None:
    client = tt.AsyncClient(token=sandbox.token, base_url=sandbox.url + "/", ca_cert=sandbox.ca_pem, timeout=2.5, max_retries=0)
    assert client.base_url == sandbox.url
    assert client.timeout == 2.5
    assert client.max_retries == 0
    assert repr(client) == f"AsyncClient(base_url='{sandbox.url}', timeout=2.5, max_retries=0)"
