"""User, Email, Role and NewUser as Python sees them."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Dict

import pytest

import truto_ticketing as tt
from truto_ticketing.testing import Sandbox

GRACE: Dict[str, Any] = {
    "name": "Grace Hopper",
    "avatar": "https://example.com/grace.png",
    "emails": [
        {"email": "grace@example.com", "type": "primary"},
        {"email": "amazing.grace@example.org", "type": "other"},
    ],
    "first_name": "Grace",
    "last_name": "Hopper",
    "roles": [{"id": "r-1", "name": "owner"}, {"name": "viewer"}],
    "status": "inactive",
    "team_ids": ["t-1", "t-2"],
    "username": "ghopper",
    "remote_data": {"department": "Navy"},
}


def test_user_has_typed_attributes(sandbox: Sandbox) -> None:
    client = tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)
    user = client.create_user("sandbox-teamwork", **GRACE)
    assert isinstance(user.id, str) and user.id
    assert user.name == "Grace Hopper"
    assert (user.first_name, user.last_name, user.username) == ("Grace", "Hopper", "ghopper")
    assert user.emails == [tt.Email("grace@example.com", "primary"), tt.Email("amazing.grace@example.org", "other")]
    assert [email.type for email in user.emails] == ["primary", "other"]
    assert user.primary_email == "grace@example.com"
    assert user.is_active is False
    assert user.team_ids == ["t-1", "t-2"]
    assert user.avatar == "https://example.com/grace.png"
    assert user.roles[0] == tt.Role(id="r-1", name="owner")
    assert [role.name for role in user.roles] == ["owner", "viewer"]
    assert isinstance(user.remote_data, dict)
    assert isinstance(user.extra, dict)
    assert user.created_at is not None and user.created_at.tzinfo is timezone.utc
    assert user.created_at_raw is not None and user.updated_at_raw is not None

    as_dict = user.to_dict()
    assert as_dict["id"] == user.id
    assert as_dict["emails"][1] == {"email": "amazing.grace@example.org", "type": "other"}
    assert as_dict["remote_data"] == user.remote_data

    shown = repr(user)
    assert shown.startswith(f"User(id='{user.id}', name='Grace Hopper'")
    assert "Email(email='grace@example.com', type='primary')" in shown
    assert "Role(id='r-1', name='owner')" in shown
    assert "remote_data" not in shown


def test_ignore_remote_data_gives_none(sandbox: Sandbox) -> None:
    client = tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)
    user = client.create_user(
        "sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}], ignore_remote_data=True
    )
    assert user.remote_data is None
    assert user == user
    assert user != client.create_user("sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}])


def test_other_response_formats(sandbox: Sandbox) -> None:
    client = tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)
    ada: Dict[str, Any] = {"name": "Ada", "emails": [{"email": "ada@example.com"}]}
    raw = client.create_user("sandbox-dixa", response_format="raw", **ada)
    assert isinstance(raw, dict)
    normalized = client.create_user("sandbox-dixa", response_format="normalized", **ada)
    assert isinstance(normalized, dict)
    streamed = client.create_user("sandbox-dixa", response_format="stream", **ada)
    assert isinstance(streamed, bytes) and streamed.startswith(b"{")


def test_email_and_role_values() -> None:
    email = tt.Email("a@b.c")
    assert (email.email, email.type) == ("a@b.c", None)
    assert repr(email) == "Email(email='a@b.c', type=None)"
    assert {tt.Email("a@b.c", "other"), tt.Email("a@b.c", "other")} == {tt.Email("a@b.c", "other")}
    assert repr(tt.Role(id="7")) == "Role(id='7', name=None)"


def test_new_user_round_trip() -> None:
    user = tt.NewUser(name="Ada", emails=[{"email": "ada@example.com", "type": "primary"}], roles="owner")
    assert user.to_dict() == {"name": "Ada", "emails": [{"email": "ada@example.com", "type": "primary"}], "roles": "owner"}
    assert user == tt.NewUser(name="Ada", emails=[{"email": "ada@example.com", "type": "primary"}], roles="owner")
    assert repr(user) == (
        "NewUser(name='Ada', emails=[{'email': 'ada@example.com', 'type': 'primary'}], roles='owner')"
    )


def answered(sandbox: Sandbox, created_at: str, updated_at: str) -> tt.User:
    """The user Truto answers a create with, these timestamps in it as sent."""
    body = {"id": "7", "name": "Ada", "created_at": created_at, "updated_at": updated_at}
    sandbox.push_faults("sandbox-dixa", [{"status": 201, "body": json.dumps(body)}])
    client = tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)
    return client.create_user("sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}])


def test_timestamps_are_aware_datetimes_in_utc(sandbox: Sandbox) -> None:
    user = answered(sandbox, "2026-02-01T10:00:00.123+02:00", "2026-02-01T08:00:00Z")
    assert user.created_at == datetime(2026, 2, 1, 8, 0, 0, 123000, tzinfo=timezone.utc)
    assert user.created_at is not None and user.created_at.tzinfo is timezone.utc
    assert user.updated_at == datetime(2026, 2, 1, 8, 0, tzinfo=timezone.utc)
    # The text as sent stays: in *_raw and in the JSON form.
    assert user.created_at_raw == "2026-02-01T10:00:00.123+02:00"
    assert user.to_dict()["created_at"] == "2026-02-01T10:00:00.123+02:00"
    assert user.to_dict()["updated_at"] == "2026-02-01T08:00:00Z"
    assert repr(user) == (
        "User(id='7', name='Ada', "
        "created_at=datetime.datetime(2026, 2, 1, 8, 0, 0, 123000, tzinfo=datetime.timezone.utc), "
        "updated_at=datetime.datetime(2026, 2, 1, 8, 0, tzinfo=datetime.timezone.utc))"
    )


@pytest.mark.parametrize("text", ["last Tuesday", "2026-02-30T00:00:00Z", "0000-01-01T00:00:00Z", ""])
def test_a_timestamp_that_is_no_datetime_is_none_and_kept_as_text(sandbox: Sandbox, text: str) -> None:
    user = answered(sandbox, text, "2026-02-01T08:00:00Z")
    assert user.created_at is None
    assert user.created_at_raw == text
    assert user.to_dict()["created_at"] == text
    assert f"created_at_raw={text!r}" in repr(user)
    assert user.updated_at is not None
