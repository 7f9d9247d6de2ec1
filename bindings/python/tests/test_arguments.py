"""Wrong arguments are refused before anything is sent, naming the argument."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict

import pytest

import truto_ticketing as tt
from truto_ticketing.testing import Sandbox

ADA: Dict[str, Any] = {"name": "Ada Lovelace", "emails": [{"email": "ada@example.com"}]}


def client_for(sandbox: Sandbox) -> tt.Client:
    return tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)


def refused(sandbox: Sandbox, call: Callable[[], object], field: str) -> tt.InvalidInputError:
    with pytest.raises(tt.InvalidInputError) as caught:
        call()
    assert caught.value.field == field, caught.value
    assert field in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert caught.value.attempts == 0
    assert sandbox.requests() == [], "something was sent"
    return caught.value


def test_int_for_name(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    refused(sandbox, lambda: client.create_user("sandbox-dixa", name=5), "name")  # type: ignore[call-overload]


def test_unknown_keyword(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    with pytest.raises(TypeError, match="nmae"):
        client.create_user("sandbox-dixa", nmae="Ada")  # type: ignore[call-overload]
    assert sandbox.requests() == []


@pytest.mark.parametrize(
    ("roles", "field"),
    [(5, "roles"), ({"id": "r-1"}, "roles"), (["owner"], "roles[0]"), ([{"id": 1}], "roles[0].id")],
)
def test_role_neither_name_nor_list_of_dicts(sandbox: Sandbox, roles: Any, field: str) -> None:
    client = client_for(sandbox)
    error = refused(sandbox, lambda: client.create_user("sandbox-dixa", roles=roles, **ADA), field)
    assert field in error.message


@pytest.mark.parametrize("remote_data", ["x", [1, 2], 7])
def test_non_dict_remote_data(sandbox: Sandbox, remote_data: Any) -> None:
    client = client_for(sandbox)
    refused(sandbox, lambda: client.create_user("sandbox-dixa", remote_data=remote_data, **ADA), "remote_data")


def test_nested_wrong_type_names_the_path(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    emails: Any = [{"email": 5}]
    refused(sandbox, lambda: client.create_user("sandbox-dixa", name="Ada", emails=emails), "emails[0].email")


def test_a_value_json_cannot_hold(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    refused(sandbox, lambda: client.create_user("sandbox-dixa", remote_data={"at": object()}, **ADA), "remote_data")


def test_option_types(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    collections: Any = "proj-1"
    refused(sandbox, lambda: client.create_user("sandbox-pivotal-tracker", collections=collections, **ADA), "collections")
    refused(sandbox, lambda: client.create_user("sandbox-dixa", timeout=-1.0, **ADA), "timeout")
    refused(sandbox, lambda: client.create_user("sandbox-dixa", response_format="xml", **ADA), "response_format")
    refused(sandbox, lambda: client.create_user("sandbox-dixa", exclude_fields="etag", **ADA), "exclude_fields")
    yes: Any = "yes"
    refused(sandbox, lambda: client.create_user("sandbox-dixa", ignore_remote_data=yes, **ADA), "ignore_remote_data")
    refused(sandbox, lambda: client.create_user("sandbox-dixa", max_retries=-1, **ADA), "max_retries")
    refused(sandbox, lambda: client.create_user("sandbox-dixa", idempotency_key=7, **ADA), "idempotency_key")  # type: ignore[call-overload]
    refused(sandbox, lambda: client.create_user(7, **ADA), "integrated_account_id")  # type: ignore[call-overload]


def test_client_settings(sandbox: Sandbox) -> None:
    with pytest.raises(tt.InvalidInputError) as caught:
        tt.Client(token="", base_url=sandbox.url, ca_cert=sandbox.ca_pem)
    assert caught.value.field == "token"
    with pytest.raises(tt.InvalidInputError) as caught:
        tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem, timeout=float("nan"))
    assert caught.value.field == "timeout"
    with pytest.raises(tt.InvalidInputError) as caught:
        tt.AsyncClient(token=sandbox.token, base_url="http://api.example.com")
    assert caught.value.field == "base_url"


def test_user_and_fields_together(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    with pytest.raises(TypeError, match="not both"):
        client.create_user("sandbox-dixa", user=tt.NewUser(**ADA), name="Other")
    assert sandbox.requests() == []


def test_new_user_checks_types_when_built() -> None:
    with pytest.raises(tt.InvalidInputError) as caught:
        tt.NewUser(name=5)  # type: ignore[arg-type]
    assert caught.value.field == "name"
    with pytest.raises(tt.InvalidInputError) as caught:
        tt.NewUser(name="Ada", remote_data="x")  # type: ignore[arg-type]
    assert caught.value.field == "remote_data"


def test_user_as_new_user_or_mapping(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    client.create_user("sandbox-dixa", user=tt.NewUser(**ADA))
    client.create_user("sandbox-dixa", user=ADA)
    bodies = [request["body"] for request in sandbox.requests()]
    assert bodies == [ADA, ADA]
    refused_user: Any = {"name": "Ada", "nmae": "typo"}
    with pytest.raises(tt.InvalidInputError):
        client.create_user("sandbox-dixa", user=refused_user)
    assert len(sandbox.requests()) == 2


def test_unset_fields_are_left_out(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    client.create_user("sandbox-dixa", first_name=None, avatar=None, **ADA)
    assert sandbox.requests()[-1]["body"] == ADA


def test_async_refuses_the_same_way(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with tt.AsyncClient(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem) as client:
            with pytest.raises(tt.InvalidInputError) as caught:
                await client.create_user("sandbox-dixa", name=5)  # type: ignore[call-overload]
            assert caught.value.field == "name"
            with pytest.raises(tt.InvalidInputError) as caught:
                await client.create_user("sandbox-dixa", roles=5, **ADA)  # type: ignore[call-overload]
            assert caught.value.field == "roles"
            with pytest.raises(TypeError, match="nmae"):
                await client.create_user("sandbox-dixa", nmae="Ada")  # type: ignore[call-overload]

    asyncio.run(main())
    assert sandbox.requests() == []
