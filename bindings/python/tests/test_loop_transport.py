"""Calls made on the event loop's own thread (``truto_ticketing._loop``).

The conformance cases run through it (``test_conformance.test_async``); these tests
check what is particular to it: which calls take it, that they send what the I/O
thread sends, and that its pooled connections survive a server that closes them.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any, Dict, List

import pytest

import truto_ticketing as tt
from truto_ticketing.testing import Sandbox

ADA: Dict[str, Any] = {"name": "Ada Lovelace", "emails": [{"email": "ada@example.com", "type": "primary"}]}
EVERYTHING: Dict[str, Any] = {
    **ADA,
    "first_name": "Ada",
    "last_name": "Lovelace",
    "roles": [{"name": "agent"}],
    "team_ids": ["t1"],
    "remote_data": {"nested": {"list": [1, 2.5, None, "é"]}},
    "password": "correct horse battery",
    "exclude_fields": ["avatar"],
    "ignore_remote_data": True,
    "remote_query": {"a": {"b": [1, 2]}},
    "collections": [{"id": "c1"}],
}


def test_a_lone_call_runs_on_the_loop_and_overlapping_calls_on_the_io_thread(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with tt.AsyncClient(token=sandbox.token, base_url=sandbox.url) as client:
            first = await client.create_user("sandbox-dixa", **ADA)
            pool = client._pool
            assert pool is not None
            idle = list(pool._idle)
            assert len(idle) == 1, "the lone call's connection is kept for the next one"
            second = await client.create_user("sandbox-dixa", **ADA)
            assert list(pool._idle) == idle, "and the next lone call reuses it"
            assert first.id != second.id

            many = await asyncio.gather(*(client.create_user("sandbox-dixa", **ADA) for _ in range(20)))
            assert len({user.id for user in many}) == 20
            # Only the first of the overlapping calls was alone in flight.
            assert len(pool._idle) == 1

    asyncio.run(main())
    assert len(sandbox.users("sandbox-dixa")) == 22


def test_one_client_serves_one_asyncio_run_after_another(sandbox: Sandbox) -> None:
    """Each run has its own loop; the connections of a closed one are not reused."""
    client = tt.AsyncClient(token=sandbox.token, base_url=sandbox.url)
    ids = [asyncio.run(client.create_user("sandbox-dixa", **ADA)).id for _ in range(3)]
    assert len(set(ids)) == 3
    asyncio.run(client.close())


def test_both_ways_send_the_same_request(sandbox: Sandbox) -> None:
    async def request_seen(drive_lone_calls: bool) -> Dict[str, Any]:
        async with tt.AsyncClient(token=sandbox.token, base_url=sandbox.url) as client:
            client._drive_lone_calls = drive_lone_calls
            await client.create_user("sandbox-dixa", idempotency_key="key-1", **EVERYTHING)
        request = sandbox.requests()[-1]
        return {key: request[key] for key in ("method", "path", "query_pairs", "headers", "body")}

    on_loop = asyncio.run(request_seen(True))
    sandbox.reset()
    on_io_thread = asyncio.run(request_seen(False))
    assert on_loop == on_io_thread


def test_a_proxy_in_the_environment_keeps_calls_on_the_io_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    client = tt.AsyncClient(token="tok-proxy-0001")
    assert client._native.loop_origin() is None
    monkeypatch.delenv("HTTPS_PROXY")
    assert tt.AsyncClient(token="tok-proxy-0001")._native.loop_origin() == ("api.truto.one", 443, 10.0)


class ClosingServer:
    """Answers each connection's first request with a created user (keep-alive), then
    closes the connection: a server whose idle timeout is very short."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with connection:
                received = b""
                while b"\r\n\r\n" not in received:
                    received += connection.recv(65536)
                head, _, body = received.partition(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
                )
                while len(body) < length:
                    body += connection.recv(65536)
                answer = b'{"id":"u-%d","name":"Ada Lovelace"}' % self.connections
                connection.sendall(
                    b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
                    % (len(answer), answer)
                )

    def close(self) -> None:
        self.listener.close()


def test_a_pooled_connection_the_server_closed_is_not_reused() -> None:
    server = ClosingServer()

    async def main() -> List[str]:
        base_url = f"http://127.0.0.1:{server.port}"
        async with tt.AsyncClient(token="tok-closing-0001", base_url=base_url, max_retries=0) as client:
            ids = []
            for _ in range(3):
                ids.append((await client.create_user("sandbox-dixa", **ADA)).id)
                await asyncio.sleep(0.1)  # the server closes the idle connection meanwhile
            return ids

    try:
        assert asyncio.run(main()) == ["u-1", "u-2", "u-3"]
        assert server.connections == 3
    finally:
        server.close()
