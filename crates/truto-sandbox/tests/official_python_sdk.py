#!/usr/bin/env python3
"""Truto's own Python SDK, unchanged, against the sandbox over HTTPS.

truto-python-sdk (PyPI; see requirements-official-sdk.txt for the version
tested) is a second client written by Truto itself. If it can page through
the sandbox's users, get, update and delete one, the sandbox speaks the
wire format Truto's clients expect, not only the one our SDK expects.

    python3.12 -m venv /tmp/venv-truto      # the SDK needs Python >= 3.12
    /tmp/venv-truto/bin/pip install -r crates/truto-sandbox/tests/requirements-official-sdk.txt
    cargo build -p truto-sandbox
    /tmp/venv-truto/bin/python crates/truto-sandbox/tests/official_python_sdk.py [--sandbox PATH]

The sandbox binary is --sandbox PATH, else $TRUTO_SANDBOX_BIN, else
target/debug/truto-sandbox under $CARGO_TARGET_DIR or the repository. It is
started with --tls; the SDK (aiohttp) trusts its CA through SSL_CERT_FILE,
which must be set before aiohttp is imported (it builds its SSL context at
import time). The last line is `N passed, M failed`; the exit status is
non-zero on any failure.
"""

import argparse
import asyncio
import importlib.metadata
import json
import os
import select
import ssl
import subprocess
import sys
import tempfile
import traceback
import urllib.request
from pathlib import Path

USERS = "/unified/ticketing/users"
ACCOUNT = "sandbox-dixa"
PAGE_SIZE = 7
SEEDED = 60


def sandbox_binary(given):
    if given:
        return Path(given)
    if os.environ.get("TRUTO_SANDBOX_BIN"):
        return Path(os.environ["TRUTO_SANDBOX_BIN"])
    repository = Path(__file__).resolve().parents[3]
    target = Path(os.environ.get("CARGO_TARGET_DIR", repository / "target"))
    return target / "debug" / "truto-sandbox"


class Sandbox:
    """The sandbox process, and its admin endpoints over HTTPS."""

    def __init__(self, binary, directory):
        self.ca = Path(directory) / "sandbox-ca.pem"
        self.process = subprocess.Popen(
            [str(binary), "--tls", "--ca-out", str(self.ca)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        if not ready:
            self.stop()
            raise RuntimeError("the sandbox did not announce its address")
        line = self.process.stdout.readline().decode().strip()
        prefix = "listening on "
        if not line.startswith(prefix + "https://"):
            self.stop()
            raise RuntimeError(f"unexpected first line {line!r}")
        self.url = line[len(prefix):]
        self.context = ssl.create_default_context(cafile=str(self.ca))

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("content-type", "application/json")
        with urllib.request.urlopen(request, context=self.context) as response:
            text = response.read().decode()
            return json.loads(text) if text else None

    def stop(self):
        # Closing stdin stops the binary (see its --help).
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    async def run(self, name, check):
        try:
            await check()
        except Exception:  # noqa: BLE001 - every failure is reported, then the next check runs
            self.failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
        else:
            self.passed += 1
            print(f"ok   {name}")


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def users_requests(sandbox):
    return [r for r in sandbox.admin("GET", "/_sandbox/requests") if r["path"].startswith(USERS)]


def show(request):
    query = f"?{request['query']}" if request["query"] else ""
    return f"{request['method']} {request['path']}{query} -> {request['status']}"


async def main(sandbox):
    # Imported only now: aiohttp reads SSL_CERT_FILE when it is imported.
    import aiohttp
    from truto_python_sdk import TrutoApi

    version = importlib.metadata.version("truto-python-sdk")
    print(f"truto-python-sdk {version} against {sandbox.url}")
    api = TrutoApi(token="sandbox-token", base_url=sandbox.url)
    checks = Checks()
    account = {"integrated_account_id": ACCOUNT}

    sandbox.admin("POST", "/_sandbox/seed", {"integrated_account_id": ACCOUNT, "generate": SEEDED})
    seeded = [stored["user"]["id"] for stored in sandbox.admin("GET", f"/_sandbox/users?integrated_account_id={ACCOUNT}")]

    async def lists_every_user_once_page_by_page():
        before = len(users_requests(sandbox))
        pages = api.unified_api.list("ticketing", "users", {**account, "limit": PAGE_SIZE})
        listed = [user["id"] async for user in pages]
        expect(listed == seeded, f"listed {len(listed)} users, not the {len(seeded)} seeded, in order")
        requests = users_requests(sandbox)[before:]
        for request in requests:
            print(f"     {show(request)}")
        expect(len(requests) == -(-SEEDED // PAGE_SIZE), f"{len(requests)} pages")
        expect(all(r["query_params"]["limit"] == str(PAGE_SIZE) for r in requests), "limit on every page")
        expect("next_cursor" not in requests[0]["query_params"], "the first page has no cursor")
        expect(all("next_cursor" in r["query_params"] for r in requests[1:]), "later pages send next_cursor")

    async def pages_with_next_page_and_to_array():
        pages = api.unified_api.list("ticketing", "users", {**account, "limit": 25})
        first = await pages.next_page()
        expect([u["id"] for u in first] == seeded[:25], "next_page() is the first page")
        everything = await api.unified_api.list("ticketing", "users", {**account, "limit": 25}).to_array()
        expect([u["id"] for u in everything] == seeded, "to_array() has every user")

    async def filters_and_sort_in_the_sdks_encoding():
        query = {
            **account,
            "emails": ["user3@example.com", "USER30@example.com"],
            "sort_by": {"name": "desc"},
            "truto_exclude_fields": ["remote_data"],
        }
        users = await api.unified_api.list("ticketing", "users", query).to_array()
        expect([u["name"] for u in users] == ["User 30", "User 3"], f"{[u['name'] for u in users]}")
        expect(all("remote_data" not in u for u in users), "truto_exclude_fields applies")
        encoded = users_requests(sandbox)[-1]["query"]
        print(f"     GET {USERS}?{encoded}")
        expect("emails%5B%5D=" in encoded and "sort_by%5Bname%5D=desc" in encoded, encoded)

    async def pivotal_collections_in_the_sdks_encoding():
        pivotal = "sandbox-pivotal-tracker"
        sandbox.admin("POST", "/_sandbox/seed", {"integrated_account_id": pivotal, "generate": 3, "collection": "77"})
        sandbox.admin("POST", "/_sandbox/seed", {"integrated_account_id": pivotal, "generate": 2, "collection": "78"})
        query = {"integrated_account_id": pivotal, "collections": [{"id": "77"}], "limit": 2}
        users = await api.unified_api.list("ticketing", "users", query).to_array()
        expect(len(users) == 3, f"{len(users)} users in collection 77")
        print(f"     GET {USERS}?{users_requests(sandbox)[-1]['query']}")

    async def gets_one_user():
        user = await api.unified_api.get("ticketing", "users", seeded[4], account)
        expect(user["id"] == seeded[4] and user["name"] == "User 5", f"{user}")
        raw = await api.unified_api.get("ticketing", "users", seeded[4], {**account, "truto_response_format": "raw"})
        expect(raw["id"] == seeded[4] and raw["displayName"] == "User 5", f"{raw}")
        print(f"     {show(users_requests(sandbox)[-2])}")

    async def updates_one_user():
        before = await api.unified_api.get("ticketing", "users", seeded[5], account)
        updated = await api.unified_api.update(
            "ticketing", "users", seeded[5], {"name": "Renamed", "team_ids": ["t1"]}, account
        )
        expect(updated["name"] == "Renamed" and updated["team_ids"] == ["t1"], f"{updated}")
        expect(updated["emails"] == before["emails"], "fields not given are kept")
        expect(updated["updated_at"] > before["updated_at"] and updated["etag"] != before["etag"], "a new version")
        stored = sandbox.admin("GET", f"/_sandbox/users?integrated_account_id={ACCOUNT}")
        expect(stored[5]["user"] == updated, "the sandbox holds the updated user")
        print(f"     {show(users_requests(sandbox)[-1])}")

    async def deletes_one_user():
        answer = await api.unified_api.delete("ticketing", "users", seeded[6], account)
        expect(answer == {"id": seeded[6]}, f"{answer}")
        print(f"     {show(users_requests(sandbox)[-1])}")
        stored = [s["user"]["id"] for s in sandbox.admin("GET", f"/_sandbox/users?integrated_account_id={ACCOUNT}")]
        expect(seeded[6] not in stored and len(stored) == SEEDED - 1, "gone from the sandbox")
        try:
            await api.unified_api.get("ticketing", "users", seeded[6], account)
        except aiohttp.ClientResponseError as error:
            expect(error.status == 404, f"status {error.status}")
        else:
            raise AssertionError("a deleted user was found")

    async def unsupported_methods_are_405():
        sandbox.admin("POST", "/_sandbox/seed", {"integrated_account_id": "sandbox-reamaze", "users": [{"id": "1"}]})
        try:
            await api.unified_api.update("ticketing", "users", "1", {"name": "x"}, {"integrated_account_id": "sandbox-reamaze"})
        except aiohttp.ClientResponseError as error:
            expect(error.status == 405, f"status {error.status}")
        else:
            raise AssertionError("Re:amaze updated a user")

    for check in [
        lists_every_user_once_page_by_page,
        pages_with_next_page_and_to_array,
        filters_and_sort_in_the_sdks_encoding,
        pivotal_collections_in_the_sdks_encoding,
        gets_one_user,
        updates_one_user,
        deletes_one_user,
        unsupported_methods_are_405,
    ]:
        await checks.run(check.__name__.replace("_", " "), check)
    return checks


def entry():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox", help="the truto-sandbox binary")
    arguments = parser.parse_args()
    binary = sandbox_binary(arguments.sandbox)
    if not binary.exists():
        print(f"no sandbox binary at {binary}: run `cargo build -p truto-sandbox` or pass --sandbox")
        print("0 passed, 1 failed")
        return 1
    with tempfile.TemporaryDirectory() as directory:
        sandbox = Sandbox(binary, directory)
        try:
            os.environ["SSL_CERT_FILE"] = str(sandbox.ca)
            checks = asyncio.run(main(sandbox))
        finally:
            sandbox.stop()
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(entry())
