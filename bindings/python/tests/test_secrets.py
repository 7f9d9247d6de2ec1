"""The token and the password never appear in a repr, a str or an exception's text."""

from __future__ import annotations

import pickle
from typing import Iterable, List

import pytest

import truto_ticketing as tt
from truto_ticketing.testing import Sandbox

TOKEN = "tok-python-secret-0123456789"
PASSWORD = "pw-python-secret-9876543210"


def texts_of(error: tt.TrutoError) -> List[str]:
    copy = pickle.loads(pickle.dumps(error))
    return [
        str(error),
        repr(error),
        error.message,
        error.body or "",
        str(error.insight),
        str(error.args),
        str(copy),
        repr(copy),
        str(vars(error)),
    ]


def assert_absent(secrets: Iterable[str], texts: Iterable[str]) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"secret leaked: {text}"


@pytest.fixture
def secret_sandbox() -> Sandbox:
    return Sandbox(token=TOKEN)


def test_client_repr_hides_the_token(secret_sandbox: Sandbox) -> None:
    with secret_sandbox:
        client = tt.Client(token=TOKEN, base_url=secret_sandbox.url)
        aclient = tt.AsyncClient(token=TOKEN, base_url=secret_sandbox.url)
        assert_absent([TOKEN], [repr(client), str(client), repr(aclient), str(aclient)])


def test_new_user_repr_hides_the_password() -> None:
    user = tt.NewUser(name="Ada", password=PASSWORD)
    assert_absent([PASSWORD], [repr(user), str(user)])
    assert "[redacted]" in repr(user)
    assert user.to_dict()["password"] == PASSWORD  # the body itself keeps it


def test_created_user_and_errors_hide_both(secret_sandbox: Sandbox) -> None:
    with secret_sandbox:
        client = tt.Client(token=TOKEN, base_url=secret_sandbox.url)
        user = client.create_user(
            "sandbox-qualtrics-corexm",
            first_name="Ada",
            last_name="Lovelace",
            username="ada",
            password=PASSWORD,
            user_type="agent",
            languages=["en"],
            emails=[{"email": "ada@example.com", "type": "primary"}],
        )
        assert_absent([PASSWORD, TOKEN], [repr(user), str(user)])

        # Dixa requires emails: the 400 echoes nothing secret back.
        with pytest.raises(tt.BadRequestError) as bad_request:
            client.create_user("sandbox-dixa", name="Ada", password=PASSWORD)
        assert_absent([PASSWORD, TOKEN], texts_of(bad_request.value))

        # A password the core refuses is not quoted in the refusal.
        with pytest.raises(tt.InvalidInputError) as invalid:
            client.create_user("sandbox-dixa", name="Ada", password=PASSWORD + "\u0000")
        assert invalid.value.field == "password"
        assert_absent([PASSWORD], texts_of(invalid.value))


def test_wrong_token_is_not_echoed(sandbox: Sandbox) -> None:
    client = tt.Client(token=TOKEN, base_url=sandbox.url)
    with pytest.raises(tt.AuthenticationError) as caught:
        client.create_user("sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}])
    assert_absent([TOKEN], texts_of(caught.value))


def test_bad_token_is_not_echoed() -> None:
    with pytest.raises(tt.InvalidInputError) as caught:
        tt.Client(token=TOKEN + " with spaces", base_url="http://127.0.0.1:9")
    assert caught.value.field == "token"
    assert_absent([TOKEN], texts_of(caught.value))
