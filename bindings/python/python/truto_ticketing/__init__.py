"""Typed, retry-safe client for Truto's Unified Ticketing API.

>>> from truto_ticketing import Client
>>> client = Client()  # TRUTO_API_TOKEN, TRUTO_BASE_URL
>>> user = client.create_user("my-account-id", name="Ada Lovelace",
...                           emails=[{"email": "ada@example.com", "type": "primary"}])

``list_users``, ``get_user``, ``update_user`` and ``delete_user`` do the rest;
``AsyncClient`` is the same for asyncio. Errors are ``TrutoError`` subclasses
(see ``truto_ticketing.errors``); ``truto_ticketing.testing.Sandbox`` runs a
local Truto-compatible server for tests.
"""

from . import errors as errors
from ._async import AsyncClient, AsyncUserListing, AsyncUserPages
from ._native import BulkResult, Client, Email, NewUser, Role, User, UserListing, UserPage, UserPages, __version__
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DecodeError,
    InternalServerError,
    InvalidInputError,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    TrutoError,
    UnprocessableEntityError,
)

__all__ = [
    "__version__",
    "Client",
    "AsyncClient",
    "NewUser",
    "User",
    "Email",
    "Role",
    "UserListing",
    "UserPages",
    "UserPage",
    "AsyncUserListing",
    "AsyncUserPages",
    "BulkResult",
    "TrutoError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "MethodNotAllowedError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "InvalidInputError",
    "DecodeError",
]
