"""``AsyncClient``: ``Client`` for asyncio.

A Python class so that its methods are real coroutines (``asyncio.create_task`` and
``TaskGroup.create_task`` take them); the work happens in ``NativeAsyncClient``. Each
method is derived from ``Client``'s: the same arguments (for type checkers too, through
``ParamSpec``, so the stub ``_native.pyi`` describes every method once), a coroutine
where ``Client`` returns a result, an async iterator where it returns an iterator.
"""

from __future__ import annotations

import functools
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Coroutine, Generic, Optional, Type, TypeVar, Union

from ._native import BulkImport, BulkResult, Client, CompletionQueue, NativeAsyncClient, User, UserListing, UserPage, UserPages

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop, Future

    from typing_extensions import Concatenate, ParamSpec, Protocol

    from ._native import PendingCall

    P = ParamSpec("P")

    class _NativeIterator(Protocol):
        def next_into(self, queue: CompletionQueue, future: Future[Any]) -> Optional[PendingCall]: ...


__all__ = ["AsyncClient", "AsyncUserListing", "AsyncUserPages", "AsyncBulkImport"]

R = TypeVar("R")
T = TypeVar("T")
N = TypeVar("N")
A = TypeVar("A")
NT = TypeVar("NT", bound="_NativeIterator")
S = TypeVar("S", bound="_AsyncIteration[Any, Any]")


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


def _named(method: Callable[..., Any], like: Callable[..., Any]) -> Any:
    """``method`` with the name, docstring and signature (``inspect.signature``) of ``like``."""
    functools.update_wrapper(method, like)
    method.__qualname__ = f"AsyncClient.{like.__name__}"
    return method


def _coroutine(
    method: Callable[Concatenate[Client, P], R],
) -> Callable[Concatenate[AsyncClient, P], Coroutine[Any, Any, R]]:
    """``Client``'s method as a coroutine: ``NativeAsyncClient`` converts the arguments into
    a prepared call, started on the running loop and awaited. Cancelling the awaiting task
    drops the Rust future, which aborts the request."""
    name = method.__name__

    async def call(self: AsyncClient, /, *args: P.args, **kwargs: P.kwargs) -> R:
        # Imported here, where asyncio is already loaded: at module level it would add
        # 30 ms to `import truto_ticketing` for every user of the sync client.
        import asyncio

        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        pending = getattr(self._native, name)(*args, **kwargs).start(self._queue_for(loop), future)
        try:
            return await future
        except asyncio.CancelledError:
            pending.cancel()
            raise

    named: Callable[Concatenate[AsyncClient, P], Coroutine[Any, Any, R]] = _named(call, method)
    return named


def _iteration(
    method: Callable[Concatenate[Client, P], N],
    wrap: Callable[[AsyncClient, N], A],
) -> Callable[Concatenate[AsyncClient, P], A]:
    """``Client``'s method returning an iterator, its iterator wrapped for ``async for``."""
    name = method.__name__

    def call(self: AsyncClient, /, *args: P.args, **kwargs: P.kwargs) -> A:
        return wrap(self, getattr(self._native, name)(*args, **kwargs))

    named: Callable[Concatenate[AsyncClient, P], A] = _named(call, method)
    return named


class _AsyncIteration(Generic[T, NT]):
    """A native iterator driven from asyncio: each step runs in Rust, its result delivered
    to the loop. Cancelling the awaiting task drops the step's Rust future."""

    __slots__ = ("_client", "_native")

    def __init__(self, client: AsyncClient, native: NT) -> None:
        self._client = client
        self._native = native

    def __aiter__(self: S) -> S:
        return self

    async def __anext__(self) -> T:
        import asyncio

        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        pending = self._native.next_into(self._client._queue_for(loop), future)
        try:
            return await future
        except asyncio.CancelledError:
            if pending is not None:
                pending.cancel()
            raise


class AsyncUserListing(_AsyncIteration[User, UserListing]):
    """The users of ``AsyncClient.list_users``: ``async for user in ...``, a page fetched
    when the iteration reaches it."""

    __slots__ = ()

    def pages(self) -> AsyncUserPages:
        """The same listing, page by page (``async for page in ...``), from its start (or
        its ``cursor``)."""
        return AsyncUserPages(self._client, self._native.pages())


class AsyncUserPages(_AsyncIteration[UserPage, UserPages]):
    """The pages of a listing, each fetched when asked for."""

    __slots__ = ()


class AsyncBulkImport(_AsyncIteration[BulkResult, BulkImport]):
    """An import in progress: ``async for result in client.create_users(...)``. Rows are
    read from their (sync) iterable as the import has room for them."""

    __slots__ = ()

    async def aclose(self) -> None:
        """Stops the import: no more rows are read, calls in flight are dropped."""
        self._native.close()


class AsyncClient:
    """Calls Truto's users resource from asyncio; cancelling a task cancels its request.

    The arguments and methods are ``Client``'s: a call is a coroutine, ``list_users`` and
    ``create_users`` return async iterators. Use it as ``async with AsyncClient() as
    client:`` or call ``await client.close()`` when done.
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

    create_user = _coroutine(Client.create_user)
    get_user = _coroutine(Client.get_user)
    update_user = _coroutine(Client.update_user)
    delete_user = _coroutine(Client.delete_user)
    list_users = _iteration(Client.list_users, AsyncUserListing)
    create_users = _iteration(Client.create_users, AsyncBulkImport)

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
