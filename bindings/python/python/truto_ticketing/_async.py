"""``AsyncClient``: ``Client`` for asyncio.

A Python class so that ``create_user`` is a real coroutine (``asyncio.create_task``
and ``TaskGroup.create_task`` take it); the work happens in ``NativeAsyncClient``.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Sequence, Type, Union, overload

from ._native import CompletionQueue, LoopCall, NativeAsyncClient, NewUser, User
from .types import CollectionDict, EmailDict, JSONObject, Roles

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop

    from ._loop import LoopPool

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

    __slots__ = ("_native", "_loop", "_queue", "_pool", "_in_flight", "_drive_lone_calls")

    def __init__(
        self,
        token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> None:
        self._native = NativeAsyncClient(token, base_url, timeout, connect_timeout, max_retries)
        # The completion queue and the connections of the loop this client last ran on.
        self._loop: Optional[AbstractEventLoop] = None
        self._queue: Optional[CompletionQueue] = None
        self._pool: Optional[LoopPool] = None
        self._in_flight = 0
        # A call alone in flight is made on the loop's own thread (see `_loop`); tests
        # turn this off to run the same cases through the I/O thread.
        self._drive_lone_calls = True

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
        # Imported here, where asyncio is already loaded: at module level it would add
        # 30 ms to `import truto_ticketing` for every user of the sync client.
        import asyncio

        loop = asyncio.get_running_loop()
        queue = self._queue
        if loop is not self._loop or queue is None:
            self._switch_to(loop)
            queue = self._queue
            assert queue is not None
        pool = self._pool
        # Alone, a call is faster on this thread: the I/O thread's two hand-offs are most
        # of its cost. With others in flight they are shared, and the I/O thread works
        # while this one runs Python, so the call goes there.
        drive = pool is not None and self._in_flight == 0 and self._drive_lone_calls
        future = loop.create_future()
        self._in_flight += 1
        try:
            call = self._native.create_user(queue, future, drive, integrated_account_id, **kwargs)
            if isinstance(call, LoopCall):
                assert pool is not None
                return await pool.run(call)
            try:
                return await future
            except asyncio.CancelledError:
                call.cancel()  # drops the Rust future, which aborts the request
                raise
        finally:
            self._in_flight -= 1

    def _switch_to(self, loop: AbstractEventLoop) -> None:
        from ._loop import LoopPool

        if self._pool is not None:
            self._pool.close()
        self._queue = _completion_queue(loop)
        origin = self._native.loop_origin()
        self._pool = None if origin is None else LoopPool(loop, self._native, origin)
        self._loop = loop

    async def close(self) -> None:
        """Drops the connection pool; later calls raise ``RuntimeError``."""
        self._close()

    def _close(self) -> None:
        if self._pool is not None:
            self._pool.close()
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
