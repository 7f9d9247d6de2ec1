"""Type stub of the compiled module ``truto_ticketing._native``.

Import from ``truto_ticketing`` (and ``truto_ticketing.testing``), not from here.
"""

import asyncio
from datetime import datetime
from types import TracebackType
from typing import (
    Any,
    Awaitable,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    Union,
    overload,
)

from typing_extensions import Unpack

from .types import CallOptions, CollectionDict, NewUserFields, SortBy, TimeBounds, UserKeywords

__version__: str
NEW_USER_FIELDS: List[str]

class Email:
    """An email address and its kind (``primary``, ``other``, or a kind the provider invented)."""

    def __init__(self, email: str, type: Optional[str] = None) -> None: ...
    @property
    def email(self) -> str: ...
    @property
    def type(self) -> Optional[str]: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class Role:
    """A role: the provider's id and the role's name, either of which may be missing."""

    def __init__(self, id: Optional[str] = None, name: Optional[str] = None) -> None: ...
    @property
    def id(self) -> Optional[str]: ...
    @property
    def name(self) -> Optional[str]: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class User:
    """The user Truto answered with. Every field but ``id`` may be ``None`` or empty."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> Optional[str]: ...
    @property
    def first_name(self) -> Optional[str]: ...
    @property
    def last_name(self) -> Optional[str]: ...
    @property
    def username(self) -> Optional[str]: ...
    @property
    def emails(self) -> List[Email]: ...
    @property
    def primary_email(self) -> Optional[str]:
        """The primary address, or the first one when none is marked primary."""
    @property
    def is_active(self) -> Optional[bool]: ...
    @property
    def team_ids(self) -> List[str]: ...
    @property
    def avatar(self) -> Optional[str]: ...
    @property
    def roles(self) -> List[Role]: ...
    @property
    def created_at(self) -> Optional[datetime]:
        """When the user was created, an aware ``datetime`` in UTC; ``None`` when the
        provider sent no RFC 3339 text (``created_at_raw`` has what it sent)."""
    @property
    def created_at_raw(self) -> Optional[str]:
        """``created_at`` as the provider sent it (what ``to_dict()`` holds)."""
    @property
    def updated_at(self) -> Optional[datetime]:
        """When the user was last changed; as ``created_at``."""
    @property
    def updated_at_raw(self) -> Optional[str]: ...
    @property
    def etag(self) -> Optional[str]: ...
    @property
    def remote_data(self) -> Optional[Dict[str, Any]]:
        """The provider's raw record (``None`` with ``ignore_remote_data=True``)."""
    @property
    def extra(self) -> Dict[str, Any]:
        """Fields this version of the SDK does not know, as Truto sent them."""
    def to_dict(self) -> Dict[str, Any]:
        """The user in its JSON form, unknown fields included; ``created_at`` and
        ``updated_at`` as the provider sent them."""
    def __eq__(self, other: object) -> bool: ...

class NewUser:
    """A user to create, in Truto's field names. Types are checked here; values when it is sent."""

    def __init__(self, **fields: Unpack[NewUserFields]) -> None: ...
    def to_dict(self) -> Dict[str, Any]:
        """The JSON body this user is sent as (the password included, in clear)."""
    def __eq__(self, other: object) -> bool: ...

class Client:
    """Calls Truto's users resource, blocking the calling thread (the GIL is released while it waits).

    ``token`` and ``base_url`` default to ``TRUTO_API_TOKEN`` and ``TRUTO_BASE_URL``
    (else ``https://api.truto.one``). ``timeout`` (per attempt, default 60 s),
    ``connect_timeout`` (default 10 s) and ``max_retries`` (default 2) take the core's
    defaults when left at ``None``. One client is safe to share between threads.
    """

    def __init__(
        self,
        token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        *,
        ca_cert: Optional[Union[str, bytes]] = None,
    ) -> None: ...
    @overload
    def create_user(
        self,
        integrated_account_id: str,
        *,
        user: Optional[Union[NewUser, Mapping[str, Any]]] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        response_format: Literal["unified"] = "unified",
        idempotency_key: Optional[str] = None,
        **fields: Unpack[UserKeywords],
    ) -> User:
        """Creates a user in the integrated account's tool.

        The body is the field keywords (Truto's field names, ``NewUserFields``; a field
        left out or ``None`` is not sent) or ``user=`` (a ``NewUser`` or a mapping).
        ``response_format`` picks the result: ``"unified"`` a ``User``,
        ``"raw"``/``"normalized"`` the decoded JSON, ``"stream"`` the body as ``bytes``.
        ``idempotency_key`` defaults to a fresh UUID, reused by every retry; the other
        options are ``CallOptions``. Raises ``InvalidInputError`` (nothing sent), an
        ``APIError`` subclass, ``APIConnectionError``/``APITimeoutError`` or ``DecodeError``.
        """

    @overload
    def create_user(
        self,
        integrated_account_id: str,
        *,
        user: Optional[Union[NewUser, Mapping[str, Any]]] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        response_format: Literal["raw", "normalized"],
        idempotency_key: Optional[str] = None,
        **fields: Unpack[UserKeywords],
    ) -> Any: ...
    @overload
    def create_user(
        self,
        integrated_account_id: str,
        *,
        user: Optional[Union[NewUser, Mapping[str, Any]]] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        response_format: Literal["stream"],
        idempotency_key: Optional[str] = None,
        **fields: Unpack[UserKeywords],
    ) -> bytes: ...
    @overload
    def create_user(
        self,
        integrated_account_id: str,
        *,
        user: Optional[Union[NewUser, Mapping[str, Any]]] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        response_format: str,
        idempotency_key: Optional[str] = None,
        **fields: Unpack[UserKeywords],
    ) -> Any: ...
    def get_user(self, integrated_account_id: str, id: str, **options: Unpack[CallOptions]) -> User:
        """Reads one user by its id. ``NotFoundError`` when there is none."""
    def update_user(
        self,
        integrated_account_id: str,
        id: str,
        *,
        idempotency_key: Optional[str] = None,
        **fields: Unpack[UserKeywords],
    ) -> User:
        """Changes the fields given as keywords (those of ``create_user``; the others keep
        their value) and returns the updated user. At least one field must be given. Like
        a create, it carries an ``Idempotency-Key`` (yours, or a fresh UUID) reused by every
        retry, so a retried update is applied once."""
    def delete_user(self, integrated_account_id: str, id: str, **options: Unpack[CallOptions]) -> str:
        """Deletes one user and returns its id. A retry after a dropped connection may find
        it already deleted by the first attempt: ``NotFoundError`` with ``attempts > 1``."""
    def list_users(
        self,
        integrated_account_id: str,
        *,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
        emails: Optional[Sequence[str]] = None,
        name: Optional[str] = None,
        is_active: Optional[bool] = None,
        created_at: Optional[TimeBounds] = None,
        updated_at: Optional[TimeBounds] = None,
        sort_by: Optional[SortBy] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        **options: Unpack[CallOptions],
    ) -> UserListing:
        """Lists the account's users: iterate the result for each ``User``, or its
        ``pages()`` for each ``UserPage``. Nothing is sent until the iteration starts, and a
        page is fetched only when the iteration reaches it.

        ``limit`` is the page size; ``cursor`` resumes after a page (its ``next_cursor``).
        Filters: ``emails`` (any of them), ``name``, ``is_active``, ``created_at`` and
        ``updated_at`` (``TimeBounds`` of aware ``datetime``s), ``sort_by``
        (``{"name": "desc"}``) and ``collections`` (Pivotal Tracker requires one); an
        integration ignores those it does not support. Types are checked here; values
        (``limit=0``) when the first page is asked for, before it is sent.
        """
    def create_users(
        self,
        integrated_account_id: str,
        rows: Iterable[Tuple[Any, Union[NewUser, Mapping[str, Any]]]],
        *,
        concurrency: int = 8,
        rate: Optional[float] = None,
        on_progress: Optional[Callable[[Dict[str, Any]], None]] = None,
        collections: Optional[Sequence[CollectionDict]] = None,
        **options: Unpack[CallOptions],
    ) -> BulkImport:
        """Creates a user per row (``(row_id, user)`` pairs, read as the import has room),
        paced to Truto's rate limits, each row's ``Idempotency-Key`` derived from the account
        and its id (so a rerun replays instead of creating twice). Iterate the result for one
        ``BulkResult`` per row, in the order calls finish; a failed row never stops the
        import. ``on_progress`` gets the figures so far (``rows``, ``created``, ``replayed``,
        ``failed``, ``failed_by_kind``, ``requests``, ``rate_limited_responses``,
        ``elapsed_s``) after each row. ``rate`` caps requests per second."""
    def close(self) -> None:
        """Drops the connection pool; later calls raise ``RuntimeError``."""
    def __enter__(self) -> "Client": ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def max_retries(self) -> int: ...

class NativeAsyncClient:
    """The engine of ``truto_ticketing.AsyncClient``; use that class instead."""

    def __init__(
        self,
        token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        *,
        ca_cert: Optional[Union[str, bytes]] = None,
    ) -> None: ...
    def __getattr__(self, name: str) -> Callable[..., Any]:
        """``Client``'s methods, with its signatures: a call returns a ``PreparedCall``, an
        iteration (``list_users``, ``create_users``) the same object as ``Client``'s."""
    def close(self) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def max_retries(self) -> int: ...

class UserListing:
    """The users of ``list_users``: iterate it for each ``User``, a page fetched when the
    iteration reaches it."""

    def __iter__(self) -> Iterator[User]: ...
    def __next__(self) -> User: ...
    def pages(self) -> UserPages:
        """The same listing, page by page, from its start (or its ``cursor``)."""
    def next_into(self, queue: CompletionQueue, future: "asyncio.Future[User]") -> Optional[PendingCall]:
        """asyncio: ``future`` gets the next user (``StopAsyncIteration`` after the last);
        ``None`` when it already has it."""

class UserPages:
    """The pages of a listing, each fetched when asked for."""

    def __iter__(self) -> Iterator[UserPage]: ...
    def __next__(self) -> UserPage: ...
    def next_into(self, queue: CompletionQueue, future: "asyncio.Future[UserPage]") -> PendingCall:
        """asyncio: ``future`` gets the next page (``StopAsyncIteration`` after the last)."""

class UserPage:
    """One page of a listing."""

    @property
    def users(self) -> List[User]:
        """The page's users, in Truto's order."""
    @property
    def cursor(self) -> Optional[str]:
        """The cursor that fetched this page (``None`` for the first)."""
    @property
    def next_cursor(self) -> Optional[str]:
        """The next page's cursor (``None`` on the last): ``list_users(..., cursor=...)``
        resumes there."""
    def __len__(self) -> int: ...

class BulkImport:
    """An import in progress: iterate it for one ``BulkResult`` per row."""

    def __iter__(self) -> Iterator[BulkResult]: ...
    def __next__(self) -> BulkResult: ...
    def next_into(self, queue: CompletionQueue, future: "asyncio.Future[BulkResult]") -> PendingCall:
        """asyncio: ``future`` gets the next result (``StopAsyncIteration`` at the end)."""
    def close(self) -> None:
        """Stops the import: no more rows are read, calls in flight are dropped."""

class BulkResult:
    """One row's outcome: ``user`` when it was created, ``error`` when it failed."""

    @property
    def row_id(self) -> str: ...
    @property
    def user(self) -> Optional[User]: ...
    @property
    def error(self) -> Optional[Exception]:
        """A ``TrutoError`` subclass instance."""
    @property
    def ok(self) -> bool: ...
    @property
    def replayed(self) -> bool:
        """Truto answered with the user an earlier run created (same key)."""
    @property
    def idempotency_key(self) -> str: ...
    @property
    def requests(self) -> int: ...
    @property
    def rate_limited_responses(self) -> int: ...

class CompletionQueue:
    """Where the calls of one event loop leave their results until the loop delivers them.

    Without arguments it has a socket: ``loop.add_reader(queue.fileno(), queue.deliver)``.
    With ``call_soon_threadsafe`` (the loop's method) it wakes the loop through that instead.
    """

    def __init__(self, call_soon_threadsafe: Optional[Callable[..., Any]] = None) -> None: ...
    def fileno(self) -> Optional[int]: ...
    def deliver(self) -> None: ...

class PreparedCall:
    """A call of ``NativeAsyncClient``, its arguments converted, not started yet."""

    def start(self, queue: CompletionQueue, future: "asyncio.Future[Any]") -> PendingCall:
        """Starts it: ``future`` gets its result through ``queue`` (its loop's)."""

class PendingCall:
    """A call running in Rust."""

    def cancel(self) -> None:
        """Drops the call's future, which aborts its request."""

class Sandbox:
    """A Truto-compatible server on 127.0.0.1, on its own thread, serving until stopped.

    Accounts: ``sandbox-dixa``, ``sandbox-freshchat``, ``sandbox-teamwork``, ... (one per
    integration). ``rate_limits=False`` turns off Truto's 429s; ``tls=True`` serves HTTPS
    with a CA made at start (``ca_pem``); ``latency`` adds seconds to every create.
    """

    def __init__(
        self,
        *,
        token: Optional[str] = None,
        port: int = 0,
        rate_limits: bool = True,
        tls: bool = False,
        latency: float = 0.0,
    ) -> None: ...
    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (``https://`` with ``tls=True``): the client's ``base_url``."""
    @property
    def ca_pem(self) -> Optional[str]:
        """With ``tls=True``, the CA that signed the sandbox's certificate: the client's ``ca_cert``."""
    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted since the start or the last reset."""
    @property
    def token(self) -> str:
        """The token the sandbox accepts: the client's ``token``."""
    @property
    def port(self) -> int: ...
    def stop(self) -> None:
        """Stops serving; idempotent. What was stored and logged stays readable."""
    def reset(self) -> None:
        """Forgets users, requests, queued faults, idempotency records and rate windows."""
    def set_rate_limits(self, limits: Optional[Mapping[str, Any]]) -> None:
        """Replaces the rate limits (``{"per_account", "per_token", "window_secs"}``, or ``None`` for none)."""
    def push_faults(self, integrated_account_id: str, faults: Sequence[Mapping[str, Any]]) -> None:
        """Queues faults (as ``POST /_sandbox/faults`` takes them) for the next requests to the account."""
    def seed(self, seed: Mapping[str, Any]) -> int:
        """Stores users as if created (``POST /_sandbox/seed``'s body: ``integrated_account_id``,
        ``users``, ``generate``, ``template``, ``collection``); returns how many. ``ValueError``
        for a user it refuses, ``KeyError`` for an unknown account; nothing is stored then."""
    def users(self, integrated_account_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """The users created, oldest first: ``{"integrated_account_id", "idempotency_key", "user"}``."""
    def requests(self) -> List[Dict[str, Any]]:
        """The requests received, oldest first: ``method``, ``path``, ``query_pairs``, ``headers``, ``body``, ..."""
    def __enter__(self) -> "Sandbox": ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None: ...

def _test_panic(message: str) -> None: ...
def _test_panic_async(message: str) -> Awaitable[None]: ...
