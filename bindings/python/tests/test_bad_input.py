"""Bad input, as a table: every row raises ``InvalidInputError`` naming the field, and
the sandbox's request log proves nothing was sent. (``test_arguments.py`` covers the
argument plumbing: ``None`` for ``name``, unknown keywords, ``user=`` and fields together.)
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest

import truto_ticketing as tt
from truto_ticketing.testing import Sandbox

ACCOUNT = "sandbox-dixa"
ADA: Dict[str, Any] = {"name": "Ada Lovelace", "emails": [{"email": "ada@example.com"}]}
TEN_MIB = 10 * 1024 * 1024
OVER_LIMIT = "x" * 4097  # the core's limit is 4096 bytes per string


def call(what: str, field: str, account: str = ACCOUNT, **changes: Any) -> Any:
    """A ``create_user`` row: Ada with ``changes`` over her fields and options."""
    return pytest.param(account, {**ADA, **changes}, field, id=what)


def email(**fields: Any) -> List[Dict[str, Any]]:
    return [{"email": "ada@example.com", **fields}]


BAD_CALLS = [
    # Wrong types.
    call("name is bytes", "name", name=b"Ada"),
    call("emails is a string", "emails", emails="ada@example.com"),
    call("an email is None", "emails[0]", emails=[None]),
    call("an email is a string", "emails[0]", emails=["ada@example.com"]),
    call("an email's type is a number", "emails[0].type", emails=email(type=1)),
    call("languages is a string", "languages", languages="en"),
    call("team_ids holds an int", "team_ids[0]", team_ids=[7]),
    call("custom_fields is a list", "custom_fields", custom_fields=[("plan", "pro")]),
    call("status is a bool", "status", status=True),
    call("password is an int", "password", password=12345),
    call("user_type is a float", "user_type", user_type=1.5),
    call("a role name is a list", "roles[0].name", roles=[{"name": ["owner"]}]),
    # Empty and blank strings.
    call("name is empty", "name", name=""),
    call("first_name is blank", "first_name", first_name="   "),
    call("last_name is a tab", "last_name", last_name="\t"),
    call("username is empty", "username", username=""),
    call("password is empty", "password", password=""),
    call("emails is empty", "emails", emails=[]),
    call("an email is empty", "emails[0].email", emails=[{"email": ""}]),
    call("a language is empty", "languages[1]", languages=["en", ""]),
    call("a role id is blank", "roles[0].id", roles=[{"id": " ", "name": "agent"}]),
    call("a role has neither id nor name", "roles[0]", roles=[{}]),
    # Too long.
    call("name is 10 MiB", "name", name="x" * TEN_MIB),
    call("nick_name is one byte over the limit", "nick_name", nick_name=OVER_LIMIT),
    # Control characters.
    call("name holds NUL", "name", name="Ada\x00Lovelace"),
    call("first_name holds an ANSI escape", "first_name", first_name="\x1b[31mAda"),
    call("last_name holds CR LF", "last_name", last_name="Love\r\nlace"),
    call("username holds DEL", "username", username="ada\x7f"),
    call("a team id holds a C1 control", "team_ids[0]", team_ids=["t\x851"]),
    call("password holds a bell", "password", password="pw\x07"),
    # Not an email address.
    call("an email has no @", "emails[0].email", emails=[{"email": "ada.example.com"}]),
    call("a second email has two @", "emails[1].email", emails=[{"email": "a@b.co"}, {"email": "a@b@c"}]),
    # Outside the enums.
    call("email type is work", "emails[0].type", emails=email(type="work")),
    call("email type is upper case", "emails[0].type", emails=email(type="PRIMARY")),
    call("role name is admin", "roles", roles="admin"),
    call("role name is empty", "roles", roles=""),
    call("status is suspended", "status", status="suspended"),
    call("status is capitalised", "status", status="Active"),
    # Not an http(s) URL.
    call("avatar is not a URL", "avatar", avatar="ada.png"),
    call("avatar is ftp", "avatar", avatar="ftp://example.com/ada.png"),
    call("avatar is javascript", "avatar", avatar="javascript:alert(1)"),
    # The account id.
    call("account id is empty", "integrated_account_id", account=""),
    call("account id is blank", "integrated_account_id", account=" \t"),
    call("account id holds NUL", "integrated_account_id", account="sandbox-dixa\x00"),
    # Call options.
    call("a collection id is empty", "collections[0].id", collections=[{"id": ""}]),
    call("a collection is a string", "collections", collections=["proj-1"]),
    call("a collection has no id", "collections", collections=[{"name": "proj-1"}]),
    call("an excluded field is blank", "exclude_fields[0]", exclude_fields=[" "]),
    call("idempotency key is empty", "idempotency_key", idempotency_key=""),
    call("idempotency key is 256 characters", "idempotency_key", idempotency_key="k" * 256),
    call("idempotency key is not ASCII", "idempotency_key", idempotency_key="ключ"),
    call("timeout is zero", "timeout", timeout=0),
    call("timeout is infinite", "timeout", timeout=float("inf")),
    call("response format is empty", "response_format", response_format=""),
    call("remote_query is a list", "remote_query", remote_query=[("a", 1)]),
]


def setting(what: str, field: str, **settings: Any) -> Any:
    return pytest.param(settings, field, id=what)


BAD_SETTINGS = [
    setting("token is blank", "token", token="   "),
    setting("token holds a space", "token", token="tok en"),
    setting("token holds NUL", "token", token="tok\x00en"),
    setting("base_url is empty", "base_url", base_url=""),
    setting("base_url has no scheme", "base_url", base_url="api.truto.one"),
    setting("base_url is ftp", "base_url", base_url="ftp://api.truto.one"),
    setting("base_url is plain http to a private address", "base_url", base_url="http://10.0.0.1:8080"),
    setting("base_url is plain http to a localhost lookalike", "base_url", base_url="http://localhost.example.com"),
    setting("base_url carries credentials", "base_url", base_url="https://user:pw@api.truto.one"),
    setting("timeout is zero", "timeout", timeout=0),
    setting("timeout is negative", "timeout", timeout=-1.0),
    setting("connect_timeout is zero", "connect_timeout", connect_timeout=0),
    setting("connect_timeout is NaN", "connect_timeout", connect_timeout=float("nan")),
]


def assert_refused(error: tt.InvalidInputError, field: str) -> None:
    assert error.field == field, error
    assert error.kind == "invalid_input"
    assert error.message.startswith(field), error.message
    assert error.attempts == 0


@pytest.mark.parametrize("account, kwargs, field", BAD_CALLS)
def test_bad_call(sandbox: Sandbox, account: str, kwargs: Dict[str, Any], field: str) -> None:
    client = tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)
    with pytest.raises(tt.InvalidInputError) as caught:
        client.create_user(account, **kwargs)
    assert_refused(caught.value, field)
    assert sandbox.requests() == [], "something was sent"


@pytest.mark.parametrize("settings, field", BAD_SETTINGS)
def test_bad_setting(sandbox: Sandbox, settings: Dict[str, Any], field: str) -> None:
    config: Dict[str, Any] = {"token": sandbox.token, "base_url": sandbox.url, **settings}
    with pytest.raises(tt.InvalidInputError) as caught:
        tt.Client(**config)
    assert_refused(caught.value, field)
    with pytest.raises(tt.InvalidInputError):
        tt.AsyncClient(**config)
    assert sandbox.requests() == []


def test_async_client_refuses_every_bad_call_the_same_way(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with tt.AsyncClient(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem) as client:
            for row in BAD_CALLS:
                account, kwargs, field = row.values
                with pytest.raises(tt.InvalidInputError) as caught:
                    await client.create_user(account, **kwargs)
                assert caught.value.field == field, (row.id, caught.value)

    asyncio.run(main())
    assert sandbox.requests() == []


def test_the_request_log_sees_what_is_sent(sandbox: Sandbox) -> None:
    # The rows above are only evidence if a good call does reach the log.
    tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem).create_user(ACCOUNT, **ADA)
    assert len(sandbox.requests()) == 1

