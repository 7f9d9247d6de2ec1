"""Type stub of the compiled module ``truto_ticketing._native``.

Import from ``truto_ticketing`` (and ``truto_ticketing.testing``), not from here.
"""

import asyncio
from types import TracebackType
from typing import Any, Awaitable, Callable, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Type, Union, overload

from .types import CollectionDict, EmailDict, JSONObject, Roles

__version__: str

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
    def created_at(self) -> Optional[str]:
        """RFC 3339 text, as the provider sent it."""
    @property
    def updated_at(self) -> Optional[str]: ...
    @property
    def etag(self) -> Optional[str]: ...
    @property
    def remote_data(self) -> Optional[Dict[str, Any]]:
        """The provider's raw record (``None`` with ``ignore_remote_data=True``)."""
    @property
    def extra(self) -> Dict[str, Any]:
        """Fields this version of the SDK does not know, as Truto sent them."""
    def to_dict(self) -> Dict[str, Any]:
        """The user in its JSON form, unknown fields included."""
    def __eq__(self, other: object) -> bool: ...

class NewUser:
    """A user to create, in Truto's field names. Types are checked here; values when it is sent."""

    def __init__(
        self,
        *,
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
    ) -> None: ...
    def to_dict(self) -> Dict[str, Any]:
        """The JSON body this user is sent as (the password included, in clear)."""
    def __eq__(self, other: object) -> bool: ...

class Client:
    """Creates users through Truto, blocking the calling thread (the GIL is released while it waits).

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
    ) -> None: ...
    @overload
    def create_user(
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
    def create_user(
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
    def create_user(
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
    def create_user(
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
    ) -> None: ...
    def create_user(
        self,
        queue: CompletionQueue,
        future: "asyncio.Future[Any]",
        drive: bool,
        integrated_account_id: str,
        **kwargs: Any,
    ) -> Union[PendingCall, LoopCall]:
        """Starts the call; ``future`` gets its result through ``queue`` (its loop's).
        With ``drive``, a call that can be driven is returned as a ``LoopCall`` instead."""
    def loop_origin(self) -> Optional[Tuple[str, int, float]]:
        """``(host, port, connect_timeout)`` for ``LoopCall``s; ``None`` behind a proxy."""
    def loop_connection(self) -> LoopConnection:
        """The core's side of a TCP connection just opened to ``loop_origin()``."""
    def close(self) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def max_retries(self) -> int: ...

class CompletionQueue:
    """Where the calls of one event loop leave their results until the loop delivers them.

    Without arguments it has a socket: ``loop.add_reader(queue.fileno(), queue.deliver)``.
    With ``call_soon_threadsafe`` (the loop's method) it wakes the loop through that instead.
    """

    def __init__(self, call_soon_threadsafe: Optional[Callable[..., Any]] = None) -> None: ...
    def fileno(self) -> Optional[int]: ...
    def deliver(self) -> None: ...

class PendingCall:
    """A call running in Rust."""

    def cancel(self) -> None:
        """Drops the call's future, which aborts its request."""

class LoopCall:
    """A call whose attempts ``truto_ticketing._loop`` makes on the event loop."""

    @property
    def timeout(self) -> float: ...
    def begin_attempt(self) -> None: ...
    def send(self, connection: LoopConnection) -> bytes: ...
    def finish(self, connection: LoopConnection) -> Tuple[bool, Any]:
        """``(True, result)``, or ``(False, seconds)`` before the next attempt; raises the call's error."""
    def finish_failed(self, message: str) -> Tuple[bool, Any]: ...
    def finish_timed_out(self, connecting: bool) -> Tuple[bool, Any]: ...

class LoopConnection:
    """The core's side of one connection of ``truto_ticketing._loop``."""

    def outgoing(self) -> Optional[bytes]: ...
    def receive(self, data: bytes) -> bool: ...
    def closed(self, error: Optional[str] = None) -> bool: ...
    @property
    def reusable(self) -> bool: ...

class Sandbox:
    """A Truto-compatible server on 127.0.0.1, on its own thread, serving until stopped.

    Accounts: ``sandbox-dixa``, ``sandbox-freshchat``, ``sandbox-teamwork``, ... (one per
    integration). ``rate_limits=False`` turns off Truto's 429s.
    """

    def __init__(self, *, token: Optional[str] = None, port: int = 0, rate_limits: bool = True) -> None: ...
    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: the client's ``base_url``."""
    @property
    def token(self) -> str:
        """The token the sandbox accepts: the client's ``token``."""
    @property
    def port(self) -> int: ...
    def stop(self) -> None:
        """Stops serving; idempotent. What was stored and logged stays readable."""
    def reset(self) -> None:
        """Forgets users, requests, queued faults, idempotency records and rate windows."""
    def push_faults(self, integrated_account_id: str, faults: Sequence[Mapping[str, Any]]) -> None:
        """Queues faults (as ``POST /_sandbox/faults`` takes them) for the next requests to the account."""
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
