"""The Python surface follows the core's field list: a field added to ``NewUser`` in Rust
fails here until ``types.NewUserFields`` (which the keywords of ``create_user`` and
``NewUser`` are typed by) has it too."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Dict, get_type_hints

import truto_ticketing as tt
from truto_ticketing import _native
from truto_ticketing.types import NewUserFields

PACKAGE = Path(tt.__file__).parent


def test_new_user_fields_are_the_cores() -> None:
    assert list(get_type_hints(NewUserFields)) == list(_native.NEW_USER_FIELDS)


def test_every_field_keyword_reaches_the_core() -> None:
    values: Dict[str, Any] = {
        "name": "Ada", "avatar": "https://example.com/a.png", "emails": [{"email": "a@b.c"}],
        "first_name": "Ada", "last_name": "Lovelace", "languages": ["en"], "nick_name": "A",
        "password": "pw", "remote_data": {"k": 1}, "roles": "owner", "status": "active",
        "team_ids": ["t"], "user_type": "admin", "username": "ada", "custom_fields": {"c": 2},
    }
    assert sorted(values) == sorted(_native.NEW_USER_FIELDS), "this test lists every field"
    assert tt.NewUser(**values).to_dict() == values


def test_the_signatures_take_the_fields_as_typed_keywords() -> None:
    stub = (PACKAGE / "_native.pyi").read_text()
    source = inspect.getsource(tt.AsyncClient)
    # Client.create_user (4 overloads) and NewUser.__init__; AsyncClient (4 overloads).
    assert stub.count("**fields: Unpack[NewUserFields]") == 5
    assert source.count("**fields: Unpack[NewUserFields]") == 4
    for field in _native.NEW_USER_FIELDS:
        assert f"        {field}:" not in stub, f"{field} is listed by hand in the stub"
