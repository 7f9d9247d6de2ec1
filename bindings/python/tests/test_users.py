"""list_users, get_user, update_user and delete_user as Python sees them: lazy iterators,
pages and cursors, the asyncio forms, datetimes, and arguments refused before sending.
(What goes over the wire is the conformance cases' to prove.)"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List

import pytest

import truto_ticketing as tt
from truto_ticketing.testing import Sandbox

ACCOUNT = "sandbox-teamwork"
LATER = datetime(2026, 1, 1, tzinfo=timezone.utc)


def client_for(sandbox: Sandbox) -> tt.Client:
    return tt.Client(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)


def async_client_for(sandbox: Sandbox) -> tt.AsyncClient:
    return tt.AsyncClient(token=sandbox.token, base_url=sandbox.url, ca_cert=sandbox.ca_pem)


def names(users: List[tt.User]) -> List[str]:
    return [user.name or "" for user in users]


def seeded(sandbox: Sandbox, count: int = 25) -> Sandbox:
    sandbox.seed({"integrated_account_id": ACCOUNT, "generate": count})
    return sandbox


# -- listing ---------------------------------------------------------------------------


def test_nothing_is_sent_until_iterated_and_a_page_only_when_reached(sandbox: Sandbox) -> None:
    listing = client_for(seeded(sandbox)).list_users(ACCOUNT, limit=10)
    assert sandbox.requests() == []
    first_ten = [next(listing) for _ in range(10)]
    assert names(first_ten) == [f"User {n}" for n in range(1, 11)]
    assert len(sandbox.requests()) == 1, "the first page serves the first ten users"
    assert next(listing).name == "User 11"
    assert len(sandbox.requests()) == 2
    assert names(list(listing)) == [f"User {n}" for n in range(12, 26)]
    assert len(sandbox.requests()) == 3
    with pytest.raises(StopIteration):
        next(listing)
    assert len(sandbox.requests()) == 3


def test_breaking_out_stops_the_listing(sandbox: Sandbox) -> None:
    client = client_for(seeded(sandbox))
    for user in client.list_users(ACCOUNT, limit=10):
        if user.name == "User 3":
            break
    assert len(sandbox.requests()) == 1


def test_pages_carry_the_cursors_that_resume(sandbox: Sandbox) -> None:
    client = client_for(seeded(sandbox))
    pages = client.list_users(ACCOUNT, limit=10).pages()
    assert sandbox.requests() == []
    first = next(pages)
    assert (len(first), first.cursor) == (10, None)
    assert first.next_cursor is not None
    assert repr(first) == f"UserPage(10 users, cursor=None, next_cursor={first.next_cursor!r})"
    second = next(pages)
    assert second.cursor == first.next_cursor
    assert len(sandbox.requests()) == 2

    # Stop, and later resume after the first page, as a new listing.
    resumed = client.list_users(ACCOUNT, limit=10, cursor=first.next_cursor)
    assert names(list(resumed)) == [f"User {n}" for n in range(11, 26)]
    rest = list(client.list_users(ACCOUNT, limit=10, cursor=second.next_cursor).pages())
    assert [len(page) for page in rest] == [5]
    assert rest[-1].next_cursor is None


def test_pages_of_a_listing_start_afresh(sandbox: Sandbox) -> None:
    listing = client_for(seeded(sandbox, 3)).list_users(ACCOUNT, limit=2)
    assert next(listing).name == "User 1"
    assert [names(page.users) for page in listing.pages()] == [["User 1", "User 2"], ["User 3"]]
    assert names(list(listing)) == ["User 2", "User 3"], "the user iteration went on where it was"


def test_a_failed_page_raises_where_it_is_reached(sandbox: Sandbox) -> None:
    listing = client_for(seeded(sandbox, 3)).list_users(ACCOUNT, limit=2, max_retries=0)
    assert next(listing).name == "User 1"
    sandbox.push_faults(ACCOUNT, [{"status": 500}])
    assert next(listing).name == "User 2", "read from the page already fetched"
    with pytest.raises(tt.InternalServerError):
        next(listing)
    assert next(listing).name == "User 3", "asked again, the page is fetched again"


def test_filters_take_aware_datetimes_in_any_zone(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    paris_winter = timezone(timedelta(hours=1))
    since = datetime(2026, 1, 1, 9, 30, 0, 250000, tzinfo=paris_winter)
    list(client.list_users(ACCOUNT, created_at={"gte": since, "lt": LATER + timedelta(days=31)}))
    query = sandbox.requests()[-1]["query_pairs"]
    assert ("created_at[gte]", "2026-01-01T08:30:00.25Z") in query
    assert ("created_at[lt]", "2026-02-01T00:00:00Z") in query


def test_sort_by_keeps_its_order(sandbox: Sandbox) -> None:
    list(client_for(sandbox).list_users(ACCOUNT, sort_by={"name": "desc", "created_at": "asc"}))
    query = sandbox.requests()[-1]["query_pairs"]
    assert [pair for pair in query if pair[0].startswith("sort_by")] == [
        ("sort_by[name]", "desc"),
        ("sort_by[created_at]", "asc"),
    ]


def test_a_users_timestamp_is_a_bound(sandbox: Sandbox) -> None:
    sandbox.seed(
        {
            "integrated_account_id": ACCOUNT,
            "users": [
                {"name": "Old", "created_at": "2025-06-01T12:00:00+02:00"},
                {"name": "New", "created_at": "2026-03-01T12:00:00Z"},
            ],
        }
    )
    client = client_for(sandbox)
    old = next(user for user in client.list_users(ACCOUNT) if user.name == "Old")
    assert old.created_at == datetime(2025, 6, 1, 10, 0, tzinfo=timezone.utc)
    assert names(list(client.list_users(ACCOUNT, created_at={"gt": old.created_at}))) == ["New"]


# -- get, update, delete ---------------------------------------------------------------


def test_get_update_delete(sandbox: Sandbox) -> None:
    sandbox.seed({"integrated_account_id": "sandbox-dixa", "users": [{"id": "u-1", "name": "Ada"}]})
    client = client_for(sandbox)
    assert client.get_user("sandbox-dixa", "u-1").name == "Ada"
    updated = client.update_user("sandbox-dixa", "u-1", name="Ada Lovelace", idempotency_key="rename-u-1")
    assert isinstance(updated, tt.User) and updated.name == "Ada Lovelace"
    assert sandbox.requests()[-1]["headers"]["idempotency-key"] == "rename-u-1"
    assert client.delete_user("sandbox-dixa", "u-1") == "u-1"
    with pytest.raises(tt.NotFoundError):
        client.get_user("sandbox-dixa", "u-1")


def test_update_takes_the_fields_of_create_only(sandbox: Sandbox) -> None:
    client = client_for(sandbox)
    with pytest.raises(TypeError, match="nmae"):
        client.update_user("sandbox-dixa", "u-1", nmae="Ada")  # type: ignore[call-arg]
    assert sandbox.requests() == []


# -- asyncio ---------------------------------------------------------------------------


def test_async_listing_is_lazy_too(sandbox: Sandbox) -> None:
    seeded(sandbox)

    async def main() -> None:
        async with async_client_for(sandbox) as client:
            listing = client.list_users(ACCOUNT, limit=10)
            assert sandbox.requests() == []
            read: List[tt.User] = []
            async for user in listing:
                read.append(user)
                if len(read) == 11:
                    break
            assert len(sandbox.requests()) == 2
            assert names(read) == [f"User {n}" for n in range(1, 12)]
            assert names([user async for user in listing]) == [f"User {n}" for n in range(12, 26)]

            pages = [page async for page in client.list_users(ACCOUNT, limit=10).pages()]
            assert [len(page) for page in pages] == [10, 10, 5]
            resumed = client.list_users(ACCOUNT, limit=10, cursor=pages[0].next_cursor)
            assert len([user async for user in resumed]) == 15

    asyncio.run(main())


def test_async_get_update_delete(sandbox: Sandbox) -> None:
    sandbox.seed({"integrated_account_id": "sandbox-dixa", "users": [{"id": "u-1", "name": "Ada"}]})

    async def main() -> None:
        async with async_client_for(sandbox) as client:
            got, renamed = await asyncio.gather(
                client.get_user("sandbox-dixa", "u-1"),
                client.update_user("sandbox-dixa", "u-1", username="ada"),
            )
            assert got.name == "Ada" and renamed.username == "ada"
            assert await client.delete_user("sandbox-dixa", "u-1") == "u-1"
            with pytest.raises(tt.NotFoundError):
                await client.get_user("sandbox-dixa", "u-1")

    asyncio.run(main())


def test_cancelling_a_page_wait_cancels_its_request(sandbox: Sandbox) -> None:
    seeded(sandbox, 3)
    sandbox.push_faults(ACCOUNT, [{"delay_ms": 5000}])

    async def main() -> None:
        async with async_client_for(sandbox) as client:
            listing = client.list_users(ACCOUNT)
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(listing.__anext__(), 0.2)
            assert names([user async for user in listing]) == ["User 1", "User 2", "User 3"]

    asyncio.run(asyncio.wait_for(main(), 4))


# -- arguments refused before anything is sent ------------------------------------------

NAIVE = datetime(2026, 1, 1)


def refusals() -> List[Any]:
    """(call, field): each call must raise InvalidInputError naming the field."""

    def call(what: str, field: str, run: Callable[[tt.Client], Any]) -> Any:
        return pytest.param(run, field, id=what)

    rows = [
        call("limit is a str", "limit", lambda c: c.list_users(ACCOUNT, limit="10")),  # type: ignore[arg-type]
        call("limit is negative", "limit", lambda c: c.list_users(ACCOUNT, limit=-1)),
        call("limit is zero", "limit", lambda c: next(c.list_users(ACCOUNT, limit=0))),
        call("emails is a str", "emails", lambda c: c.list_users(ACCOUNT, emails="a@b.c")),
        call("name is an int", "name", lambda c: c.list_users(ACCOUNT, name=5)),  # type: ignore[arg-type]
        call("is_active is a str", "is_active", lambda c: c.list_users(ACCOUNT, is_active="yes")),  # type: ignore[arg-type]
        call("created_at is a str", "created_at", lambda c: c.list_users(ACCOUNT, created_at="2026")),  # type: ignore[arg-type]
        call("a bound is not gt/gte/lt/lte", "created_at", lambda c: c.list_users(ACCOUNT, created_at={"after": LATER})),  # type: ignore[arg-type]
        call("a bound is a str", "updated_at.lt", lambda c: c.list_users(ACCOUNT, updated_at={"lt": "2026"})),  # type: ignore[arg-type]
        call("a bound is naive", "created_at.gte", lambda c: c.list_users(ACCOUNT, created_at={"gte": NAIVE})),
        call("a bound is a date", "created_at.gte", lambda c: c.list_users(ACCOUNT, created_at={"gte": LATER.date()})),  # type: ignore[arg-type]
        call("sort_by is a list", "sort_by", lambda c: c.list_users(ACCOUNT, sort_by=[("name", "desc")])),  # type: ignore[arg-type]
        call("sort_by's order is up", "sort_by.name", lambda c: c.list_users(ACCOUNT, sort_by={"name": "up"})),  # type: ignore[dict-item]
        call("collections is a str", "collections", lambda c: c.list_users(ACCOUNT, collections="42")),  # type: ignore[arg-type]
        call("timeout is a str", "timeout", lambda c: c.get_user(ACCOUNT, "1", timeout="5")),  # type: ignore[arg-type]
        call("max_retries is negative", "max_retries", lambda c: c.delete_user(ACCOUNT, "1", max_retries=-1)),
        call("exclude_fields is a str", "exclude_fields", lambda c: c.get_user(ACCOUNT, "1", exclude_fields="etag")),
        call("ignore_remote_data is a str", "ignore_remote_data", lambda c: c.get_user(ACCOUNT, "1", ignore_remote_data="no")),  # type: ignore[arg-type]
        call("remote_query is a list", "remote_query", lambda c: c.get_user(ACCOUNT, "1", remote_query=[1])),  # type: ignore[arg-type]
        call("the id is an int", "id", lambda c: c.get_user(ACCOUNT, 7)),  # type: ignore[arg-type]
        call("the id is empty", "id", lambda c: c.delete_user(ACCOUNT, "")),
        call("the account is empty", "integrated_account_id", lambda c: c.get_user("", "1")),
        call("an update with no field", "changes", lambda c: c.update_user(ACCOUNT, "1")),
        call("an update's name is an int", "name", lambda c: c.update_user(ACCOUNT, "1", name=5)),  # type: ignore[arg-type]
        call("an update's key is empty", "idempotency_key", lambda c: c.update_user(ACCOUNT, "1", name="A", idempotency_key="")),
    ]
    return rows


@pytest.mark.parametrize(("run", "field"), refusals())
def test_bad_arguments_are_named_before_sending(sandbox: Sandbox, run: Callable[[tt.Client], Any], field: str) -> None:
    with pytest.raises(tt.InvalidInputError) as caught:
        run(client_for(sandbox))
    assert caught.value.field == field, caught.value
    assert caught.value.attempts == 0
    assert sandbox.requests() == [], "something was sent"


def test_async_refuses_before_sending(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with async_client_for(sandbox) as client:
            with pytest.raises(tt.InvalidInputError) as caught:
                await client.get_user(ACCOUNT, "1", timeout=-1)
            assert caught.value.field == "timeout"
            with pytest.raises(tt.InvalidInputError) as caught:
                client.list_users(ACCOUNT, created_at={"gte": NAIVE})
            assert caught.value.field == "created_at.gte"
            assert "naive" in caught.value.message
            with pytest.raises(tt.InvalidInputError) as caught:
                await client.list_users(ACCOUNT, limit=0).__anext__()
            assert caught.value.field == "limit"

    asyncio.run(main())
    assert sandbox.requests() == []
