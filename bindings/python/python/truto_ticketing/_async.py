"""``AsyncClient``: ``Client`` for asyncio.

A Python class so that ``create_user`` is a real coroutine (``asyncio.create_task``
and ``TaskGroup.create_task`` take it); the work happens in ``NativeAsyncClient``.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, Literal, Mapping, Optional, Sequence, Tuple, Type, Union, overload

from ._native import BulkImport, BulkResult, CompletionQueue, NativeAsyncClient, NewUser, User
from .types import CollectionDict, JSONObject, NewUserFields

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop

    from typing_extensions import Unpack

__all__ = ["AsyncClient", "AsyncBulkImport"]


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
        future = loop.create_future()
        call = self._native.create_user(self._queue_for(loop), future, integrated_account_id, **kwargs)
        try:
            return await future
        except asyncio.CancelledError:
            call.cancel()  # drops the Rust future, which aborts the request
            raise

    def create_users(
        self,
        integrated_account_id: str,
        rows: Iterable[Tuple[Any, Union[NewUser, Mapping[str, Any]]]],
        *,
        concurrency: int = 8,
        rate: Optional[float] = None,
        on_progress: Optional[Callable[[Dict[str, Any]], None]] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        ignore_remote_data: bool = False,
        exclude_fields: Optional[Sequence[str]] = None,
        remote_query: Optional[JSONObject] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> AsyncBulkImport:
        """Creates a user per row, paced to Truto's rate limits: ``async for`` it for one
        ``BulkResult`` per row, as calls finish; see ``Client.create_users``."""
        native = self._native.create_users(
            integrated_account_id,
            rows,
            concurrency=concurrency,
            rate=rate,
            on_progress=on_progress,
            collections=collections,
            ignore_remote_data=ignore_remote_data,
            exclude_fields=exclude_fields,
            remote_query=remote_query,
            timeout=timeout,
            max_retries=max_retries,
        )
        return AsyncBulkImport(self, native)

    def _queue_for(self, loop: AbstractEventLoop) -> CompletionQueue:
        """The completion queue of ``loop``, made when the client first runs on it."""
        queue = self._queue
        if loop is not self._loop or queue is None:
            queue = self._queue = _completion_queue(loop)
            self._loop = loop
        return queue

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


class AsyncBulkImport:
    """An import in progress: ``async for result in client.create_users(...)``. Rows are
    read from their (sync) iterable as the import has room for them."""

    __slots__ = ("_client", "_native")

    def __init__(self, client: AsyncClient, native: BulkImport) -> None:
        self._client = client
        self._native = native

    def __aiter__(self) -> AsyncBulkImport:
        return self

    async def __anext__(self) -> BulkResult:
        import asyncio

        loop = asyncio.get_running_loop()
        future: "asyncio.Future[BulkResult]" = loop.create_future()
        call = self._native.next_into(self._client._queue_for(loop), future)
        try:
            return await future
        except asyncio.CancelledError:
            call.cancel()
            raise

    async def aclose(self) -> None:
        """Stops the import: no more rows are read, calls in flight are dropped."""
        self._native.close()
