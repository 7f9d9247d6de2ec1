"""Shapes of the dicts ``create_user`` takes, for type checkers."""

from __future__ import annotations

from typing import Any, Literal, Mapping, Sequence, TypedDict, Union

__all__ = ["EmailDict", "RoleDict", "CollectionDict", "Roles", "ResponseFormat", "JSONObject"]


class _EmailAddress(TypedDict):
    email: str


class EmailDict(_EmailAddress, total=False):
    """``{"email": "ada@example.com", "type": "primary"}``; ``type`` is ``primary`` or ``other``."""

    type: str


class RoleDict(TypedDict, total=False):
    """``{"id": "r-1", "name": "owner"}``: give an id, a name, or both."""

    id: str
    name: str


class CollectionDict(TypedDict):
    """``{"id": "123"}``: a collection (a project, for Pivotal Tracker)."""

    id: str


#: One role name (``"owner"``, ``"member"``, ``"viewer"``) or a list of roles.
Roles = Union[str, Sequence[RoleDict]]

#: What Truto answers with: ``unified`` (a ``User``), ``raw`` / ``normalized`` (JSON), ``stream`` (bytes).
ResponseFormat = Literal["unified", "raw", "normalized", "stream"]

#: A JSON object (``remote_data``, ``custom_fields``, ``remote_query``).
JSONObject = Mapping[str, Any]
