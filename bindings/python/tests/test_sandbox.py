"""truto_ticketing.testing.Sandbox, as users' own tests would use it."""

from __future__ import annotations

import asyncio
import json
import ssl
import urllib.request
from typing import Any

import pytest

import truto_ticketing as tt
from truto_ticketing.testing import Sandbox


def admin(sandbox: Sandbox, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    method = "GET" if body is None and path != "reset" else "POST"
    request = urllib.request.Request(
        f"{sandbox.url}/_sandbox/{path}", data=data, method=method, headers={"content-type": "application/json"}
    )
    context = None if sandbox.ca_pem is None else ssl.create_default_context(cadata=sandbox.ca_pem)
    with urllib.request.urlopen(request, timeout=10, context=context) as response:
        text = response.read()
    return json.loads(text) if text else None


def test_in_process_controls() -> None:
    with Sandbox(rate_limits=False) as sandbox:
        assert sandbox.url == f"http://127.0.0.1:{sandbox.port}"
        assert sandbox.token == "sandbox-token"
        assert repr(sandbox) == f"Sandbox(url='{sandbox.url}')"
        client = tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)
        sandbox.push_faults("sandbox-dixa", [{"status": 503}])
        with pytest.raises(tt.InternalServerError) as caught:
            client.create_user("sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}])
        assert caught.value.status == 503
        user = client.create_user("sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}])
        stored = sandbox.users("sandbox-dixa")
        assert [entry["user"]["id"] for entry in stored] == [user.id]
        assert [request["status"] for request in sandbox.requests()] == [503, 201]
        sandbox.reset()
        assert sandbox.users() == [] and sandbox.requests() == []
    sandbox.stop()  # idempotent
    with pytest.raises(tt.APIConnectionError):
        tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem, max_retries=0).create_user(
            "sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}]
        )


def test_admin_endpoints_over_https(sandbox: Sandbox) -> None:
    assert sandbox.url.startswith("https://") and sandbox.ca_pem is not None
    admin(sandbox, "faults", {"integrated_account_id": "sandbox-dixa", "faults": [{"status": 409}]})
    client = tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)
    with pytest.raises(tt.ConflictError):
        client.create_user("sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}])
    client.create_user("sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}])
    assert len(admin(sandbox, "requests")) == 2
    assert len(admin(sandbox, "users?integrated_account_id=sandbox-dixa")) == 1
    admin(sandbox, "reset")
    assert admin(sandbox, "requests") == []


def test_own_token() -> None:
    with Sandbox(token="my-test-token") as sandbox:
        assert sandbox.token == "my-test-token"
        with pytest.raises(tt.AuthenticationError):
            tt.Client(token="another-token", base_url=sandbox.url, ca_cert=sandbox.ca_pem).create_user(
                "sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}]
            )


def test_stats_count_connections(sandbox: Sandbox) -> None:
    with tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem) as client:
        for _ in range(3):
            client.create_user("sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}])
    assert sandbox.connections_accepted == 1, "one kept-alive connection"
    assert admin(sandbox, "stats") == {"connections_accepted": 2}


def test_a_5_mib_remote_data_over_https(sandbox: Sandbox) -> None:
    note = "".join(chr(ord("a") + i % 26) for i in range(5 * 1024 * 1024))
    with tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem) as client:
        user = client.create_user(
            "sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}], remote_data={"note": note}
        )
    assert sandbox.url.startswith("https://")
    assert user.remote_data is not None and user.remote_data["note"] == note
    assert len(sandbox.requests()) == 1


def test_a_5_mib_remote_data_over_https_from_asyncio(sandbox: Sandbox) -> None:
    note = "x" * (5 * 1024 * 1024)

    async def main() -> tt.User:
        async with tt.AsyncClient(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem) as client:
            return await client.create_user(
                "sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}], remote_data={"note": note}
            )

    user = asyncio.run(main())
    assert user.remote_data is not None and user.remote_data["note"] == note
