"""truto_ticketing.testing.Sandbox, as users' own tests would use it."""

from __future__ import annotations

import json
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
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read()
    return json.loads(text) if text else None


def test_in_process_controls() -> None:
    with Sandbox(rate_limits=False) as sandbox:
        assert sandbox.url == f"http://127.0.0.1:{sandbox.port}"
        assert sandbox.token == "sandbox-token"
        assert repr(sandbox) == f"Sandbox(url='{sandbox.url}')"
        client = tt.Client(token=sandbox.token, base_url=sandbox.url)
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
        tt.Client(token=sandbox.token, base_url=sandbox.url, max_retries=0).create_user(
            "sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}]
        )


def test_admin_endpoints_over_http(sandbox: Sandbox) -> None:
    admin(sandbox, "faults", {"integrated_account_id": "sandbox-dixa", "faults": [{"status": 409}]})
    client = tt.Client(token=sandbox.token, base_url=sandbox.url)
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
            tt.Client(token="another-token", base_url=sandbox.url).create_user(
                "sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}]
            )
