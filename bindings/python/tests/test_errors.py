"""The exception hierarchy: classes, attributes, pickling."""

from __future__ import annotations

import pickle
from typing import Any, Dict, List, Type

import pytest

import truto_ticketing as tt
from truto_ticketing import errors
from truto_ticketing.testing import Sandbox

ALL_ERRORS: List[Type[tt.TrutoError]] = [getattr(errors, name) for name in errors.__all__]

DETAILS: Dict[str, Any] = {
    "kind": "bad_request",
    "message": "Missing required fields",
    "field": None,
    "status": 400,
    "request_id": "req-1",
    "insight": {"missing_required_body_fields": {"description": "d", "value": ["emails"]}},
    "missing_required_fields": ["emails"],
    "is_remote_error": True,
    "body": '{"statusCode":400}',
    "retry_after": 1.5,
    "attempts": 2,
    "idempotency_key": "key-1",
    "display": "bad_request (400): Missing required fields [missing required: emails]",
}


def test_hierarchy() -> None:
    api_errors = [
        tt.BadRequestError,
        tt.AuthenticationError,
        tt.PermissionDeniedError,
        tt.NotFoundError,
        tt.MethodNotAllowedError,
        tt.ConflictError,
        tt.UnprocessableEntityError,
        tt.RateLimitError,
        tt.InternalServerError,
    ]
    for cls in api_errors:
        assert issubclass(cls, tt.APIError) and issubclass(cls, tt.TrutoError)
    assert issubclass(tt.APITimeoutError, tt.APIConnectionError)
    assert issubclass(tt.APIConnectionError, tt.TrutoError)
    assert issubclass(tt.InvalidInputError, tt.TrutoError) and issubclass(tt.InvalidInputError, ValueError)
    assert issubclass(tt.DecodeError, tt.TrutoError)
    assert not issubclass(tt.APIConnectionError, tt.APIError)


@pytest.mark.parametrize("cls", ALL_ERRORS, ids=lambda cls: cls.__name__)
def test_every_exception_pickles(cls: Type[tt.TrutoError]) -> None:
    for error in (cls("plain message"), cls("ignored", DETAILS)):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is cls
        assert str(copy) == str(error)
        assert vars(copy) == vars(error)
    assert str(cls("ignored", DETAILS)) == DETAILS["display"]
    assert cls("plain message").message == "plain message"


def test_errors_made_by_hand_have_their_kind() -> None:
    error = tt.RateLimitError("slow down")
    assert (error.kind, error.status, error.attempts, error.missing_required_fields) == ("rate_limited", None, 0, [])
    assert str(error) == "slow down"


def test_a_real_error_pickles_with_every_detail(sandbox: Sandbox) -> None:
    client = tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)
    with pytest.raises(tt.BadRequestError) as caught:
        client.create_user("sandbox-dixa", name="Ada")
    error = caught.value
    assert error.status == 400 and error.kind == "bad_request"
    assert error.missing_required_fields == ["emails"]
    assert error.request_id and error.idempotency_key and error.attempts == 1
    assert isinstance(error.insight, dict) and isinstance(error.body, str)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is tt.BadRequestError and vars(copy) == vars(error) and str(copy) == str(error)
