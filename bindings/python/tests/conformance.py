"""Runs one conformance case (tests/conformance/cases/*.json) through the Python API.

The format is described in tests/conformance/README.md; this is the Python twin of
tests/conformance/rust/main.rs.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Type

import truto_ticketing as tt
from truto_ticketing.testing import Sandbox

#: The cases; TRUTO_CONFORMANCE_DIR points elsewhere (scripts/registry-check runs a copy of
#: these tests against the package installed from a registry).
CASES_DIR = Path(
    os.environ.get("TRUTO_CONFORMANCE_DIR") or Path(__file__).resolve().parents[3] / "tests" / "conformance" / "cases"
)

#: The class every error kind must raise (the issue's table).
CLASS_OF_KIND: Dict[str, Type[tt.TrutoError]] = {
    "invalid_input": tt.InvalidInputError,
    "bad_request": tt.BadRequestError,
    "authentication": tt.AuthenticationError,
    "permission_denied": tt.PermissionDeniedError,
    "not_found": tt.NotFoundError,
    "method_not_allowed": tt.MethodNotAllowedError,
    "conflict": tt.ConflictError,
    "unprocessable": tt.UnprocessableEntityError,
    "rate_limited": tt.RateLimitError,
    "server": tt.InternalServerError,
    "timeout": tt.APITimeoutError,
    "connection": tt.APIConnectionError,
    "decode": tt.DecodeError,
}

#: Options whose Python keyword is the case's key, by method (`timeout_ms` is `timeout`).
COMMON_OPTIONS = ("ignore_remote_data", "exclude_fields", "remote_query", "max_retries")
SAME_NAME_OPTIONS: Dict[str, Tuple[str, ...]] = {
    "create": ("collections", "response_format", "idempotency_key", *COMMON_OPTIONS),
    "list": ("limit", "cursor", "emails", "name", "is_active", "collections", *COMMON_OPTIONS),
    "get": COMMON_OPTIONS,
    "update": ("idempotency_key", *COMMON_OPTIONS),
    "delete": COMMON_OPTIONS,
}


def case_paths() -> List[Path]:
    paths = sorted(CASES_DIR.glob("*.json"))
    assert paths, f"no conformance cases in {CASES_DIR}"
    return paths


def load(path: Path) -> Dict[str, Any]:
    case: Dict[str, Any] = json.loads(path.read_text())
    return case


@dataclass
class Outcome:
    """The result of one call: a value (User, JSON, bytes, Listing or a deleted id) or an error."""

    value: Any = None
    error: Optional[tt.TrutoError] = None


@dataclass
class Listing:
    """What a listing read: every user, and each page's size."""

    users: List[tt.User] = field(default_factory=list)
    page_sizes: List[int] = field(default_factory=list)
    #: The last page's next_cursor (what `resume` lists from).
    next_cursor: Optional[str] = None

    def add(self, page: tt.UserPage) -> None:
        self.users.extend(page.users)
        self.page_sizes.append(len(page.users))
        self.next_cursor = page.next_cursor


def instant(text: str) -> datetime:
    """An RFC 3339 bound of a case as an aware datetime (Python 3.9's fromisoformat lacks "Z")."""
    return datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)


class Case:
    """A case, with the sandbox prepared for it."""

    def __init__(self, sandbox: Sandbox, case: Dict[str, Any]) -> None:
        self.sandbox = sandbox
        self.case = case
        self.account: str = case["call"]["integrated_account_id"]
        sandbox.reset()
        seeds = case.get("seed") or []
        for seed in seeds if isinstance(seeds, list) else [seeds]:
            sandbox.seed(seed)
        if "faults" in case:
            sandbox.push_faults(self.account, case["faults"])

    def client_arguments(self) -> Dict[str, Any]:
        settings: Dict[str, Any] = self.case.get("client") or {}
        arguments: Dict[str, Any] = {
            "token": settings.get("token", self.sandbox.token),
            "base_url": settings.get("base_url", self.sandbox.url),
            "ca_cert": self.sandbox.ca_pem,
        }
        if "max_retries" in settings:
            arguments["max_retries"] = settings["max_retries"]
        if "timeout_ms" in settings:
            arguments["timeout"] = settings["timeout_ms"] / 1000
        return arguments

    @staticmethod
    def call_arguments(call: Dict[str, Any]) -> Dict[str, Any]:
        """The keyword arguments: the user's fields (create, update), then the options."""
        method = call.get("method", "create")
        arguments: Dict[str, Any] = dict(call.get("user") or {})
        options: Dict[str, Any] = call.get("options") or {}
        for key in SAME_NAME_OPTIONS[method]:
            if key in options:
                arguments[key] = options[key]
        if "timeout_ms" in options:
            arguments["timeout"] = options["timeout_ms"] / 1000
        for key in ("created_at", "updated_at"):
            if key in options:
                arguments[key] = {op: instant(text) for op, text in options[key].items()}
        if "sort_by" in options:
            arguments["sort_by"] = {sort["field"]: sort["order"] for sort in options["sort_by"]}
        return arguments

    def befores(self) -> List[Dict[str, Any]]:
        befores: List[Dict[str, Any]] = self.case.get("before") or []
        return befores

    def repeat(self) -> int:
        return int(self.case.get("repeat", 1))

    def check(self, outcomes: List[Outcome], elapsed_s: float) -> None:
        expect: Dict[str, Any] = self.case["expect"]
        check_outcome(expect, outcomes[-1])
        elapsed_ms = elapsed_s * 1000
        if "min_elapsed_ms" in expect:
            assert elapsed_ms >= expect["min_elapsed_ms"], f"took {elapsed_ms:.0f} ms"
        if "max_elapsed_ms" in expect:
            assert elapsed_ms <= expect["max_elapsed_ms"], f"took {elapsed_ms:.0f} ms"
        if expect.get("same_user_each_call"):
            ids = [
                outcome.value.id if outcome.error is None else str(outcome.error)
                for outcome in outcomes
            ]
            assert len(set(ids)) == 1, f"calls returned different users: {ids}"
        if "sandbox" in self.case:
            self.check_sandbox(self.case["sandbox"])

    def check_sandbox(self, expected: Dict[str, Any]) -> None:
        # A JSON round trip turns the (key, value) tuples into lists, as the case has them.
        requests: List[Dict[str, Any]] = json.loads(json.dumps(self.sandbox.requests()))
        if "requests" in expected:
            assert len(requests) == expected["requests"], f"sandbox saw {len(requests)} requests"
        if "users_stored" in expected:
            stored = self.sandbox.users(self.account)
            assert len(stored) == expected["users_stored"], f"sandbox stored {len(stored)} users"
        if "last_request" in expected:
            assert requests, "the sandbox saw no request"
            last, want = requests[-1], expected["last_request"]
            for key in ("method", "path", "query_pairs", "body"):
                if key in want:
                    assert last[key] == want[key], f"last request {key}: {last[key]!r}"
            if "headers" in want:
                matches_subset(want["headers"], last["headers"], "headers")
        keys = [request["headers"].get("idempotency-key") for request in requests]
        if expected.get("idempotency_key") == "uuid4":
            assert keys and keys[-1] and uuid.UUID(keys[-1]).version == 4, keys
        elif expected.get("idempotency_key") == "same":
            assert keys and isinstance(keys[0], str) and len(set(keys)) == 1, keys


def check_outcome(expect: Dict[str, Any], outcome: Outcome) -> None:
    wanted = expect["result"]
    if outcome.error is not None:
        assert wanted == "error", f"expected a {wanted}, got {outcome.error!r}"
        check_error(expect, outcome.error)
        return
    value = outcome.value
    as_json: Any
    assert wanted != "error", f"expected an error, got {value!r}"
    if wanted == "users":
        assert isinstance(value, Listing), f"expected a listing, got {value!r}"
        check_listing(expect, value)
        return
    if wanted == "deleted":
        assert value == expect["deleted_id"], f"deleted {value!r}, expected {expect['deleted_id']!r}"
        return
    if wanted == "user":
        assert isinstance(value, tt.User), f"expected a User, got {value!r}"
        as_json = value.to_dict()
        check_typed_attributes(expect.get("user", {}), value)
        check_timestamps(value)
    elif wanted == "json":
        assert isinstance(value, (dict, list)), f"expected JSON, got {value!r}"
        as_json = value
    else:
        assert isinstance(value, bytes), f"expected bytes, got {value!r}"
        as_json = json.loads(value)
    for subset_key, has_key, lacks_key in (
        ("user", "user_has", "user_lacks"),
        ("json", "json_has", "json_lacks"),
        ("bytes_json", "", ""),
    ):
        if subset_key in expect:
            matches_subset(expect[subset_key], as_json, "$")
        for key in expect.get(has_key, []):
            assert as_json.get(key) is not None, f"result lacks {key!r}: {as_json}"
        for key in expect.get(lacks_key, []):
            assert as_json.get(key) is None, f"result has {key!r}: {as_json}"


def check_listing(expect: Dict[str, Any], listing: Listing) -> None:
    """`count`, `user_names` (in order), `page_sizes` and `users` (a subset per user)."""
    users = listing.users
    if "count" in expect:
        assert len(users) == expect["count"], f"listed {len(users)} users, expected {expect['count']}"
    if "user_names" in expect:
        names = [user.name for user in users]
        assert names == expect["user_names"], f"listed {names}"
    if "page_sizes" in expect:
        assert listing.page_sizes == expect["page_sizes"], f"pages of {listing.page_sizes}"
    if "users" in expect:
        matches_subset(expect["users"], [user.to_dict() for user in users], "$")
        for want, user in zip(expect["users"], users):
            check_typed_attributes(want, user)
    for user in users:
        check_timestamps(user)


def check_timestamps(user: tt.User) -> None:
    """`created_at` and `updated_at` are the instants of the text the JSON form keeps."""
    as_json = user.to_dict()
    for key in ("created_at", "updated_at"):
        raw = getattr(user, f"{key}_raw")
        assert raw == as_json.get(key), f"{key}_raw {raw!r} is not the JSON form's {as_json.get(key)!r}"
        typed = getattr(user, key)
        if typed is not None:
            offset = typed.utcoffset()
            assert offset is not None and offset.total_seconds() == 0, f"{key} {typed!r} is not in UTC"
            assert raw is not None and typed == instant(raw), f"{key}: {typed!r} is not {raw!r}"


def check_typed_attributes(expected: Dict[str, Any], user: tt.User) -> None:
    """The typed attributes agree with the JSON form for every field the case names."""
    for key, want in expected.items():
        if key in ("created_at", "updated_at"):
            got: Any = getattr(user, f"{key}_raw")
        elif key == "emails":
            got = [{"email": email.email, "type": email.type} for email in user.emails]
        elif key == "roles":
            got = [{"id": role.id, "name": role.name} for role in user.roles]
        elif key == "remote_data":
            got = user.remote_data
        elif hasattr(user, key):
            got = getattr(user, key)
        else:
            got = user.extra.get(key)
        matches_subset(want, got, f"User.{key}")


def check_error(expect: Dict[str, Any], error: tt.TrutoError) -> None:
    wanted: Dict[str, Any] = expect["error"]
    shown = f"{error} / {error!r}"
    assert error.kind == wanted["kind"], f"wrong kind: {shown}"
    assert type(error) is CLASS_OF_KIND[wanted["kind"]], f"wrong class: {shown}"
    if "status" in wanted:
        assert error.status == wanted["status"], f"wrong status: {shown}"
    if "field" in wanted:
        assert error.field == wanted["field"], f"wrong field: {shown}"
    if "attempts" in wanted:
        assert error.attempts == wanted["attempts"], f"wrong attempts: {shown}"
    if "missing_required_fields" in wanted:
        assert error.missing_required_fields == wanted["missing_required_fields"], shown
    if "retry_after_s" in wanted:
        got = None if error.retry_after is None else int(error.retry_after)
        assert got == wanted["retry_after_s"], f"wrong retry_after: {shown}"
    if "is_remote_error" in wanted:
        assert error.is_remote_error == wanted["is_remote_error"], f"wrong remote flag: {shown}"
    if "message_contains" in wanted:
        assert wanted["message_contains"] in error.message, f"message: {shown}"
    if wanted.get("has_request_id"):
        assert error.request_id, f"no request id: {shown}"
    for secret in expect.get("secrets_absent", []):
        for text in (shown, error.message, error.body or "", str(error.args)):
            assert secret not in text, f"secret leaked: {text}"


def matches_subset(expected: Any, actual: Any, at: str) -> None:
    """Objects match key by key (extra keys allowed), arrays element by element, scalars by equality."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            matches_subset(value, actual.get(key), f"{at}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list):
        assert len(expected) == len(actual), f"{at}: expected {expected!r}, got {actual!r}"
        for index, (want, got) in enumerate(zip(expected, actual)):
            matches_subset(want, got, f"{at}[{index}]")
    else:
        assert expected == actual, f"{at}: expected {expected!r}, got {actual!r}"


def perform_sync(client: tt.Client, call: Dict[str, Any]) -> Any:
    """Makes a case's call through ``Client``."""
    method = call.get("method", "create")
    account: str = call["integrated_account_id"]
    arguments = Case.call_arguments(call)
    if method == "create":
        return client.create_user(account, **arguments)
    if method == "get":
        return client.get_user(account, call["id"], **arguments)
    if method == "update":
        return client.update_user(account, call["id"], **arguments)
    if method == "delete":
        return client.delete_user(account, call["id"], **arguments)
    assert method == "list", f"the runner has no method {method}"
    listing = Listing()
    for page in client.list_users(account, **arguments).pages():
        listing.add(page)
        if len(listing.page_sizes) == call.get("pages"):
            break
    if call.get("resume") and listing.next_cursor is not None:
        for page in client.list_users(account, **{**arguments, "cursor": listing.next_cursor}).pages():
            listing.add(page)
    return listing


async def perform_async(client: tt.AsyncClient, call: Dict[str, Any]) -> Any:
    """Makes a case's call through ``AsyncClient``."""
    method = call.get("method", "create")
    account: str = call["integrated_account_id"]
    arguments = Case.call_arguments(call)
    if method == "create":
        return await client.create_user(account, **arguments)
    if method == "get":
        return await client.get_user(account, call["id"], **arguments)
    if method == "update":
        return await client.update_user(account, call["id"], **arguments)
    if method == "delete":
        return await client.delete_user(account, call["id"], **arguments)
    assert method == "list", f"the runner has no method {method}"
    listing = Listing()
    async for page in client.list_users(account, **arguments).pages():
        listing.add(page)
        if len(listing.page_sizes) == call.get("pages"):
            break
    if call.get("resume") and listing.next_cursor is not None:
        async for page in client.list_users(account, **{**arguments, "cursor": listing.next_cursor}).pages():
            listing.add(page)
    return listing


def run_sync(sandbox: Sandbox, raw_case: Dict[str, Any]) -> None:
    case = Case(sandbox, raw_case)
    try:
        client: Optional[tt.Client] = tt.Client(**case.client_arguments())
        client_error: Optional[tt.TrutoError] = None
    except tt.TrutoError as error:
        client, client_error = None, error

    def call(spec: Dict[str, Any]) -> Outcome:
        if client is None:
            return Outcome(error=client_error)
        try:
            return Outcome(value=perform_sync(client, spec))
        except tt.TrutoError as error:
            return Outcome(error=error)

    for before in case.befores():
        call(before)
    started = time.monotonic()
    outcomes = [call(raw_case["call"]) for _ in range(case.repeat())]
    elapsed = time.monotonic() - started
    if client is not None:
        client.close()
    case.check(outcomes, elapsed)


async def run_async(sandbox: Sandbox, raw_case: Dict[str, Any]) -> None:
    case = Case(sandbox, raw_case)
    try:
        client: Optional[tt.AsyncClient] = tt.AsyncClient(**case.client_arguments())
        client_error: Optional[tt.TrutoError] = None
    except tt.TrutoError as error:
        client, client_error = None, error

    async def call(spec: Dict[str, Any]) -> Outcome:
        if client is None:
            return Outcome(error=client_error)
        try:
            return Outcome(value=await perform_async(client, spec))
        except tt.TrutoError as error:
            return Outcome(error=error)

    for before in case.befores():
        await call(before)
    started = time.monotonic()
    outcomes = [await call(raw_case["call"]) for _ in range(case.repeat())]
    elapsed = time.monotonic() - started
    if client is not None:
        await client.close()
    case.check(outcomes, elapsed)


# -- bulk cases (tests/conformance/bulk) ----------------------------------------------------

BULK_DIR = CASES_DIR.parent / "bulk"


def bulk_case_paths() -> List[Path]:
    paths = sorted(BULK_DIR.glob("*.json"))
    assert paths, f"no bulk cases in {BULK_DIR}"
    return paths


def _fill(template: Any, n: str) -> Any:
    if isinstance(template, str):
        return template.replace("{n}", n)
    if isinstance(template, list):
        return [_fill(item, n) for item in template]
    if isinstance(template, dict):
        return {key: _fill(value, n) for key, value in template.items()}
    return template


def bulk_rows(spec: Any) -> List[Tuple[str, Dict[str, Any]]]:
    """The rows a case describes: explicit ``{id, user}``, or ``generate`` from a template."""
    if isinstance(spec, dict):
        return [(str(n), _fill(spec["user"], str(n))) for n in range(1, spec["generate"] + 1)]
    return [(row["id"], row["user"]) for row in spec]


class BulkCase:
    """A bulk case, with the sandbox prepared for it."""

    def __init__(self, sandbox: Sandbox, case: Dict[str, Any]) -> None:
        self.sandbox = sandbox
        self.case = case
        self.bulk: Dict[str, Any] = case["bulk"]
        self.account: str = self.bulk["integrated_account_id"]
        sandbox.reset()
        sandbox.set_rate_limits(case.get("rate_limits"))
        if "faults" in case:
            sandbox.push_faults(self.account, case["faults"])

    def client_arguments(self) -> Dict[str, Any]:
        return {"token": self.sandbox.token, "base_url": self.sandbox.url, "ca_cert": self.sandbox.ca_pem}

    def import_arguments(self) -> Dict[str, Any]:
        options: Dict[str, Any] = self.bulk.get("options") or {}
        arguments: Dict[str, Any] = {}
        if "concurrency" in options:
            arguments["concurrency"] = options["concurrency"]
        if "max_retries" in options:
            arguments["max_retries"] = options["max_retries"]
        return arguments

    def runs(self) -> int:
        return int(self.bulk.get("runs", 1))

    def rows(self) -> List[Tuple[str, Dict[str, Any]]]:
        return bulk_rows(self.bulk["rows"])

    def check(self, results: List[tt.BulkResult], elapsed_s: float) -> None:
        expect: Dict[str, Any] = self.case["expect"]
        assert sorted(result.row_id for result in results) == sorted(row_id for row_id, _ in self.rows()), (
            "one result per row expected"
        )
        figures = {
            "created": sum(1 for result in results if result.ok and not result.replayed),
            "replayed": sum(1 for result in results if result.ok and result.replayed),
            "failed": sum(1 for result in results if not result.ok),
        }
        for key, got in figures.items():
            if key in expect:
                assert got == expect[key], f"{key}: {got}, expected {expect[key]} ({figures})"
        for row_id, kind in (expect.get("failed_rows") or {}).items():
            result = next(result for result in results if result.row_id == row_id)
            assert result.error is not None, f"row {row_id} was created"
            assert isinstance(result.error, CLASS_OF_KIND[kind]), f"row {row_id}: {result.error!r}"
        rate_limited = sum(result.rate_limited_responses for result in results)
        if "max_rate_limited_responses" in expect:
            assert rate_limited <= expect["max_rate_limited_responses"], f"{rate_limited} responses were 429"
        elapsed_ms = elapsed_s * 1000
        if "min_elapsed_ms" in expect:
            assert elapsed_ms >= expect["min_elapsed_ms"], f"took {elapsed_ms:.0f} ms"
        if "max_elapsed_ms" in expect:
            assert elapsed_ms <= expect["max_elapsed_ms"], f"took {elapsed_ms:.0f} ms"
        expected: Dict[str, Any] = self.case.get("sandbox") or {}
        requests = len(self.sandbox.requests())
        if "requests" in expected:
            assert requests == expected["requests"], f"the sandbox saw {requests} requests"
        if "max_requests" in expected:
            assert requests <= expected["max_requests"], f"the sandbox saw {requests} requests"
        if "users_stored" in expected:
            stored = len(self.sandbox.users(self.account))
            assert stored == expected["users_stored"], f"the sandbox stored {stored} users"


def run_bulk_sync(sandbox: Sandbox, raw_case: Dict[str, Any]) -> None:
    case = BulkCase(sandbox, raw_case)
    results: List[tt.BulkResult] = []
    started = time.monotonic()
    with tt.Client(**case.client_arguments()) as client:
        for _ in range(case.runs()):
            results = list(client.create_users(case.account, iter(case.rows()), **case.import_arguments()))
    case.check(results, time.monotonic() - started)


async def run_bulk_async(sandbox: Sandbox, raw_case: Dict[str, Any]) -> None:
    case = BulkCase(sandbox, raw_case)
    results: List[tt.BulkResult] = []
    started = time.monotonic()
    async with tt.AsyncClient(**case.client_arguments()) as client:
        for _ in range(case.runs()):
            results = [result async for result in client.create_users(case.account, case.rows(),
                                                                        **case.import_arguments())]
    case.check(results, time.monotonic() - started)
