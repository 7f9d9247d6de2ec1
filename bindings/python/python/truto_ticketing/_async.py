"""``AsyncClient``: ``Client`` for asyncio.

A Python class so that ``create_user`` is a real coroutine (``asyncio.create_task``
and ``TaskGroup.create_task`` take it); the work happens in ``NativeAsyncClient``.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Sequence, Type, Union, overload

from ._native import CompletionQueue, NativeAsyncClient, NewUser, User
from .types import CollectionDict, JSONObject, NewUserFields

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop

    from typing_extensions import Unpack

__all__ = ["AsyncClient"]


def _completion_queue(loop: AbstractEventLoop) -> CompletionQueue:
    """A queue through which Rust hands finished calls to ``loop``, waking it once per
    batch through a socket it watches; loops without ``add_reader`` (Windows' proactor)
    are woken with ``call_soon_threadsafe`` instead."""
    try:
        queue = CompletionQueue()
        fileno = queue.fileno()
        assert fileno is not None
        loop.add_reader(fileno, queue.deliver)
        return queue
    except NotImplementedError:
        return CompletionQueue(loop.call_soon_threadsafe)


class AsyncClient:
    """Creates users through Truto from asyncio; cancelling a task cancels its request.

    The arguments are ``Client``'s. Use it as ``async with AsyncClient() as client:``
    or call ``await client.close()`` when done.
    """

    __slots__ = ("_native", "_loop", "_queue")

    def __init__(
        self,
        token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        *,
        ca_cert: Optional[Union[str, bytes]] = None,
    ) -> None:
        self._native = NativeAsyncClient(
            token, base_url, timeout, connect_timeout, max_retries, ca_cert=ca_cert
        )
        # The completion queue of the loop this client last ran on.
        self._loop: Optional[AbstractEventLoop] = None
        self._queue: Optional[CompletionQueue] = None

    @overload
    async def create_user(
        self,
        integrated_account_id: str,
        *,
        user: Optional[Union[NewUser, Mapping[str, Any]]] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        response_format: Literal["unified"] = "unified",
        ignore_remote_data: bool = False,
        exclude_fields: Optional[Sequence[str]] = None,
        remote_query: Optional[JSONObject] = None,
        idempotency_key: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        **fields: Unpack[NewUserFields],
    ) -> User:
        """Creates a user in the integrated account's tool.

        The body is the field keywords (Truto's field names, ``NewUserFields``; a field
        left out or ``None`` is not sent) or ``user=`` (a ``NewUser`` or a mapping). ``response_format`` picks the result:
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
        collections: Optional[Sequence[CollectionDict]] = None,
        response_format: Literal["raw", "normalized"],
        ignore_remote_data: bool = False,
        exclude_fields: Optional[Sequence[str]] = None,
        remote_query: Optional[JSONObject] = None,
        idempotency_key: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        **fields: Unpack[NewUserFields],
    ) -> Any: ...

    @overload
    async def create_user(
        self,
        integrated_account_id: str,
        *,
        user: Optional[Union[NewUser, Mapping[str, Any]]] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        response_format: Literal["stream"],
        ignore_remote_data: bool = False,
        exclude_fields: Optional[Sequence[str]] = None,
        remote_query: Optional[JSONObject] = None,
        idempotency_key: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        **fields: Unpack[NewUserFields],
    ) -> bytes: ...

    @overload
    async def create_user(
        self,
        integrated_account_id: str,
        *,
        user: Optional[Union[NewUser, Mapping[str, Any]]] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        response_format: str,
        ignore_remote_data: bool = False,
        exclude_fields: Optional[Sequence[str]] = None,
        remote_query: Optional[JSONObject] = None,
        idempotency_key: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        **fields: Unpack[NewUserFields],
    ) -> Any: ...

    async def create_user(self, integrated_account_id: str, **kwargs: Any) -> Any:
        """Creates a user in the integrated account's tool; see ``Client.create_user``."""
        # Imported here, where asyncio is already loaded: at module level it would add
        # 30 ms to `import truto_ticketing` for every user of the sync client.
        import asyncio

        loop = asyncio.get_running_loop()
        queue = self._queue
        if loop is not self._loop or queue is None:
            queue = self._queue = _completion_queue(loop)
            self._loop = loop
        future = loop.create_future()
        call = self._native.create_user(queue, future, integrated_account_id, **kwargs)
        try:
            return await future
        except asyncio.CancelledError:
            call.cancel()  # drops the Rust future, which aborts the request
            raise

    async def close(self) -> None:
        """Drops the connection pool; later calls raise ``RuntimeError``."""
        self._close()

    def _close(self) -> None:
        self._native.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self._close()

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
