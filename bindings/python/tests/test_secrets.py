"""The token and the password never appear in a repr, a str or an exception's text."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from typing import Any, Dict, Iterable, List

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
    client = tt.Client(token=TOKEN, base_url=sandbox.url, ca_cert=sandbox.ca_pem)
    with pytest.raises(tt.AuthenticationError) as caught:
        client.create_user("sandbox-dixa", name="Ada", emails=[{"email": "ada@example.com"}])
    assert_absent([TOKEN], texts_of(caught.value))


def test_bad_token_is_not_echoed() -> None:
    with pytest.raises(tt.InvalidInputError) as caught:
        tt.Client(token=TOKEN + " with spaces", base_url="http://127.0.0.1:9")
    assert caught.value.field == "token"
    assert_absent([TOKEN], texts_of(caught.value))


# Every error kind, forced with the server echoing both secrets wherever it can.
ECHO = f"token {TOKEN} cannot set password {PASSWORD}"
API_FAULT: Dict[str, Any] = {"message": ECHO, "remote": True, "raw_response": {"error": ECHO, "password": PASSWORD}}
FAULTS: Dict[str, Dict[str, Any]] = {
    "bad_request": {"status": 400, **API_FAULT},
    "authentication": {"status": 401, **API_FAULT},
    "permission_denied": {"status": 403, **API_FAULT},
    "not_found": {"status": 404, **API_FAULT},
    "method_not_allowed": {"status": 405, **API_FAULT},
    "conflict": {"status": 409, **API_FAULT},
    "unprocessable": {"status": 422, **API_FAULT},
    "rate_limited": {"status": 429, "retry_after": 120, **API_FAULT},
    "server": {"status": 500, **API_FAULT},
    "timeout": {"delay_ms": 2000},
    "connection": {"drop": "before_store"},
    "decode": {"status": 201, "body": f'{{"id": "7", "password": "{PASSWORD}", "token": "{TOKEN}"'},
}
ALL_KINDS = {"invalid_input", *FAULTS}


def force_every_error() -> List[Dict[str, Any]]:
    """Raises every error kind once; returns each one's kind and every text it renders."""
    raised: List[tt.TrutoError] = []
    with Sandbox(token=TOKEN, rate_limits=False) as sandbox:

        def new_client() -> tt.Client:
            return tt.Client(token=TOKEN, base_url=sandbox.url, ca_cert=sandbox.ca_pem, timeout=0.3, max_retries=1)

        client = new_client()
        ada: Dict[str, Any] = {"name": "Ada", "emails": [{"email": "ada@example.com"}], "password": PASSWORD}
        for kind, fault in FAULTS.items():
            sandbox.reset()
            sandbox.push_faults("sandbox-dixa", [fault, fault])  # the retry meets it too
            try:
                # A client per fault: a client paces its calls, and the 429's Retry-After
                # (120 s) would hold the next fault's call that long.
                new_client().create_user("sandbox-dixa", **ada)
            except tt.TrutoError as error:
                raised.append(error)
        for refused in ({**ada, "password": PASSWORD + "\x00"}, {**ada, "name": ECHO + "\n"}):
            try:
                client.create_user("sandbox-dixa", **refused)
            except tt.TrutoError as error:
                raised.append(error)
        try:
            tt.Client(token=TOKEN + "\n", base_url=sandbox.url, ca_cert=sandbox.ca_pem)
        except tt.TrutoError as error:
            raised.append(error)
        shown = [repr(client), repr(tt.NewUser(**ada))]
    return [{"kind": error.kind, "texts": texts_of(error)} for error in raised] + [{"kind": "", "texts": shown}]


def test_update_user_hides_the_password(sandbox: Sandbox) -> None:
    client = tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)
    sandbox.push_faults("sandbox-dixa", [{"status": 400, **API_FAULT}])
    with pytest.raises(tt.BadRequestError) as echoed:
        client.update_user("sandbox-dixa", "u-1", name="Ada", password=PASSWORD)
    with pytest.raises(tt.InvalidInputError) as refused:
        client.update_user("sandbox-dixa", "u-1", password=PASSWORD + "\x00")
    assert refused.value.field == "password"
    for error in (echoed.value, refused.value):
        assert_absent([PASSWORD], texts_of(error))
    assert PASSWORD in json.dumps(sandbox.requests()[0]["body"]), "the password itself was sent"


def test_every_error_kind_and_the_debug_log_hide_both() -> None:
    # TRUTO_LOG is read when the extension is imported: a fresh interpreter sets it.
    child = subprocess.run(
        [sys.executable, __file__],
        env={**os.environ, "TRUTO_LOG": "debug"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    rendered = json.loads(child.stdout)
    assert {entry["kind"] for entry in rendered} == ALL_KINDS | {""}
    for entry in rendered:
        assert_absent([TOKEN, PASSWORD], entry["texts"])
    # Where the server echoed the secrets, the error says so rather than dropping the text.
    bad_request = next(entry for entry in rendered if entry["kind"] == "bad_request")
    assert "[redacted]" in bad_request["texts"][0], bad_request["texts"][0]

    log = child.stderr
    assert_absent([TOKEN, PASSWORD], log.splitlines())
    for kind in ALL_KINDS - {"invalid_input", "decode"}:  # a decode error follows a successful attempt
        assert f'outcome="{kind}"' in log, f"no {kind} attempt logged:\n{log}"
    assert "retrying truto request" in log, log


if __name__ == "__main__":
    json.dump(force_every_error(), sys.stdout)
