"""Shapes of the dicts and keywords the clients take, for type checkers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Mapping, Optional, Sequence, TypedDict, Union

__all__ = [
    "EmailDict",
    "RoleDict",
    "CollectionDict",
    "Roles",
    "ResponseFormat",
    "JSONObject",
    "NewUserFields",
    "CallOptions",
    "UserKeywords",
    "TimeBounds",
    "SortOrder",
    "SortBy",
]


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


class NewUserFields(TypedDict, total=False):
    """The fields of a new user, in Truto's field names: the keywords of ``create_user``
    and ``NewUser``. A field left out (or ``None``) is not sent. Kept equal to the core's
    list (``_native.NEW_USER_FIELDS``) by ``tests/test_surface.py``."""

    name: Optional[str]
    avatar: Optional[str]
    emails: Optional[Sequence[EmailDict]]
    first_name: Optional[str]
    last_name: Optional[str]
    languages: Optional[Sequence[str]]
    nick_name: Optional[str]
    password: Optional[str]
    remote_data: Optional[JSONObject]
    roles: Optional[Roles]
    status: Optional[str]
    team_ids: Optional[Sequence[str]]
    user_type: Optional[str]
    username: Optional[str]
    custom_fields: Optional[JSONObject]


class CallOptions(TypedDict, total=False):
    """The options every method of ``Client`` and ``AsyncClient`` takes as keywords.

    ``ignore_remote_data`` (default ``False``) leaves ``remote_data`` out of the answer;
    ``exclude_fields`` leaves those fields out; ``remote_query`` reaches the provider
    untransformed; ``timeout`` is seconds per attempt and ``max_retries`` the retries of
    this call (default: the client's).
    """

    ignore_remote_data: bool
    exclude_fields: Optional[Sequence[str]]
    remote_query: Optional[JSONObject]
    timeout: Optional[float]
    max_retries: Optional[int]


class UserKeywords(NewUserFields, CallOptions, total=False):
    """A user's fields and the call options: the keywords of ``create_user`` and ``update_user``."""


class TimeBounds(TypedDict, total=False):
    """Bounds on a date-time field of ``list_users``: ``{"gte": datetime(2026, 1, 1, tzinfo=timezone.utc)}``.

    ``gt`` after, ``gte`` at or after, ``lt`` before, ``lte`` at or before. Each is an aware
    ``datetime`` (any time zone); a naive one is refused, since it could mean any zone.
    """

    gt: datetime
    gte: datetime
    lt: datetime
    lte: datetime


#: Which way a field sorts.
SortOrder = Literal["asc", "desc"]

#: ``list_users``' order: ``{"name": "desc", "created_at": "asc"}``, the first field first.
SortBy = Mapping[str, SortOrder]
