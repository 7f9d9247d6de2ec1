"""``AsyncClient``: ``Client`` for asyncio.

A Python class so that ``create_user`` is a real coroutine (``asyncio.create_task``
and ``TaskGroup.create_task`` take it); the work happens in ``NativeAsyncClient``.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Literal, Mapping, Optional, Sequence, Type, Union, overload

from ._native import NativeAsyncClient, NewUser, User
from .types import CollectionDict, EmailDict, JSONObject, Roles

__all__ = ["AsyncClient"]


class AsyncClient:
    """Creates users through Truto from asyncio; cancelling a task cancels its request.

    The arguments are ``Client``'s. Use it as ``async with AsyncClient() as client:``
    or call ``await client.close()`` when done.
    """

    __slots__ = ("_native",)

    def __init__(
        self,
        token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> None:
        self._native = NativeAsyncClient(token, base_url, timeout, connect_timeout, max_retries)

    @overload
    async def create_user(
        self,
        integrated_account_id: str,
        *,
        user: Optional[Union[NewUser, Mapping[str, Any]]] = None,
        name: str = ...,
        emails: Optional[Sequence[EmailDict]] = None,
        first_name: Optional[str] = None,
        last_name: Optional[str] = None,
        avatar: Optional[str] = None,
        languages: Optional[Sequence[str]] = None,
        nick_name: Optional[str] = None,
        password: Optional[str] = None,
        remote_data: Optional[JSONObject] = None,
        roles: Optional[Roles] = None,
        status: Optional[str] = None,
        team_ids: Optional[Sequence[str]] = None,
        user_type: Optional[str] = None,
        username: Optional[str] = None,
        custom_fields: Optional[JSONObject] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        response_format: Literal["unified"] = "unified",
        ignore_remote_data: bool = False,
        exclude_fields: Optional[Sequence[str]] = None,
        remote_query: Optional[JSONObject] = None,
        idempotency_key: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> User:
        """Creates a user in the integrated account's tool.

        The body is the field keywords (Truto's field names; a field left out or
        ``None`` is not sent, except ``name``, which must be a ``str`` when given) or
        ``user=`` (a ``NewUser`` or a mapping). ``response_format`` picks the result:
        ``"unified"`` a ``User``, ``"raw"``/``"normalized"`` the decoded JSON,
        ``"stream"`` the body as ``bytes``. ``timeout`` is seconds per attempt.
        Raises ``InvalidInputError`` (nothing sent), an ``APIError`` subclass,
        ``APIConnectionError``/``APITimeoutError`` or ``DecodeError``.
        """


    @overload
    async def create_user(
        self,
        integrated_account_id: str,
        *,
        user: Optional[Union[NewUser, Mapping[str, Any]]] = None,
        name: str = ...,
        emails: Optional[Sequence[EmailDict]] = None,
        first_name: Optional[str] = None,
        last_name: Optional[str] = None,
        avatar: Optional[str] = None,
        languages: Optional[Sequence[str]] = None,
        nick_name: Optional[str] = None,
        password: Optional[str] = None,
        remote_data: Optional[JSONObject] = None,
        roles: Optional[Roles] = None,
        status: Optional[str] = None,
        team_ids: Optional[Sequence[str]] = None,
        user_type: Optional[str] = None,
        username: Optional[str] = None,
        custom_fields: Optional[JSONObject] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        response_format: Literal["raw", "normalized"],
        ignore_remote_data: bool = False,
        exclude_fields: Optional[Sequence[str]] = None,
        remote_query: Optional[JSONObject] = None,
        idempotency_key: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Any: ...

    @overload
    async def create_user(
        self,
        integrated_account_id: str,
        *,
        user: Optional[Union[NewUser, Mapping[str, Any]]] = None,
        name: str = ...,
        emails: Optional[Sequence[EmailDict]] = None,
        first_name: Optional[str] = None,
        last_name: Optional[str] = None,
        avatar: Optional[str] = None,
        languages: Optional[Sequence[str]] = None,
        nick_name: Optional[str] = None,
        password: Optional[str] = None,
        remote_data: Optional[JSONObject] = None,
        roles: Optional[Roles] = None,
        status: Optional[str] = None,
        team_ids: Optional[Sequence[str]] = None,
        user_type: Optional[str] = None,
        username: Optional[str] = None,
        custom_fields: Optional[JSONObject] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        response_format: Literal["stream"],
        ignore_remote_data: bool = False,
        exclude_fields: Optional[Sequence[str]] = None,
        remote_query: Optional[JSONObject] = None,
        idempotency_key: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> bytes: ...

    @overload
    async def create_user(
        self,
        integrated_account_id: str,
        *,
        user: Optional[Union[NewUser, Mapping[str, Any]]] = None,
        name: str = ...,
        emails: Optional[Sequence[EmailDict]] = None,
        first_name: Optional[str] = None,
        last_name: Optional[str] = None,
        avatar: Optional[str] = None,
        languages: Optional[Sequence[str]] = None,
        nick_name: Optional[str] = None,
        password: Optional[str] = None,
        remote_data: Optional[JSONObject] = None,
        roles: Optional[Roles] = None,
        status: Optional[str] = None,
        team_ids: Optional[Sequence[str]] = None,
        user_type: Optional[str] = None,
        username: Optional[str] = None,
        custom_fields: Optional[JSONObject] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        response_format: str,
        ignore_remote_data: bool = False,
        exclude_fields: Optional[Sequence[str]] = None,
        remote_query: Optional[JSONObject] = None,
        idempotency_key: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Any: ...

    async def create_user(self, integrated_account_id: str, **kwargs: Any) -> Any:
        """Creates a user in the integrated account's tool; see ``Client.create_user``."""
        return await self._native.create_user(integrated_account_id, **kwargs)

    async def close(self) -> None:
        """Drops the connection pool; later calls raise ``RuntimeError``."""
        self._native.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self._native.close()

    @property
    def base_url(self) -> str:
        """The base URL requests go to."""
        return self._native.base_url

    @property
    def timeout(self) -> float:
        """The per-attempt timeout in seconds."""
        return self._native.timeout

    @property
    def max_retries(self) -> int:
        """Retries after a retryable failure."""
        return self._native.max_retries

    def __repr__(self) -> str:
        return repr(self._native)
