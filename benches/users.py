"""Reading users, measured end to end against `truto-sandbox` processes over HTTPS:

- export:  `truto-ticketing users list --format jsonl` of USERS users at 100 a page, under
           Truto's limit of 50 requests per account and 10 s window (10 per 1 s in the quick
           run): peak RSS of the command at most 100 MB (flat: it holds a page at a time),
           the wall time at most 1.15 x the floor the limit sets ((pages - 1) // limit
           windows) + 2 s, at most 3 responses of 429;
- paging:  every user of the same account, 100 a page, through Truto's own Python SDK
           (`unified_api.list(...).to_array()`) and through this SDK's `AsyncClient.list_users`,
           in the same run (rate limits off: the clients, not the limit, are measured);
- get:     get-by-id calls per second, 16 in flight, through both SDKs.

    python benches/users.py --cli PATH --sandbox PATH [--quick] [--rounds N] [--out FILE]
                            [--official-python PY] [--ours-python PY]

The official SDK trusts the sandbox's CA through SSL_CERT_FILE, read by aiohttp when it is
imported: each comparison runs in a child process with it set. Exits non-zero when a check
fails: export memory and pace, both SDKs reading every user, and (except with --quick, whose
debug builds are not what users run) ours ahead of Truto's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bulk import TOKEN, Sandbox  # noqa: E402  (the same sandbox process helper)

ACCOUNT = "sandbox-teamwork"
PAGE = 100


def seed(sandbox: Sandbox, users: int) -> None:
    sandbox.admin("POST", "seed", {"integrated_account_id": ACCOUNT, "generate": users})


def export(args: argparse.Namespace, workdir: Path) -> Dict[str, Any]:
    users = args.users
    # Truto's documented limit in full; a tighter one in the quick run, so that its fewer
    # pages still meet it.
    limit, window = (10, 1) if args.quick else (50, 10)
    sandbox = Sandbox(args.sandbox, workdir, "--account-limit", str(limit), "--window-secs", str(window))
    try:
        seed(sandbox, users)
        env = {**os.environ, "TRUTO_API_TOKEN": TOKEN, "TRUTO_BASE_URL": sandbox.url}
        output = workdir / "export.jsonl"
        started = time.monotonic()
        with output.open("w") as stdout:
            process = subprocess.Popen(
                [args.cli, "users", "list", "--account", ACCOUNT, "--page-size", str(PAGE),
                 "--ca-cert", str(sandbox.ca)],
                env=env, stdout=stdout, stderr=subprocess.DEVNULL,
            )
            _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.monotonic() - started
        listed = sum(1 for _ in output.open())
        requests = [r for r in sandbox.admin("GET", "requests") if r["path"] == "/unified/ticketing/users"]
    finally:
        sandbox.stop()
    pages = len(requests)
    floor = ((pages - 1) // limit) * window
    limited = sum(1 for r in requests if r["status"] == 429)
    peak_mb = usage.ru_maxrss / 1024
    return {
        "users": users, "listed": listed, "pages": pages, "limit": limit, "window_s": window,
        "elapsed_s": round(elapsed, 2), "floor_s": floor, "rate_limited_responses": limited,
        "peak_rss_mb": round(peak_mb, 1), "exit_status": os.waitstatus_to_exitcode(status),
        "met": listed == users and peak_mb <= 100 and limited <= 3 and elapsed <= floor * 1.15 + 2,
    }


# What a child process runs: one SDK, one measurement, one JSON line out.
CHILD = r'''
import asyncio, json, sys, time
mode, sdk, url, ca, count, ids = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6:]
ACCOUNT = "sandbox-teamwork"

async def official():
    from truto_python_sdk import TrutoApi
    api = TrutoApi(token="sandbox-token", base_url=url)
    params = {"integrated_account_id": ACCOUNT}
    if mode == "paging":
        started = time.perf_counter()
        users = await api.unified_api.list("ticketing", "users", {**params, "limit": 100}).to_array()
        return len(users), time.perf_counter() - started
    limit = asyncio.Semaphore(16)
    async def one(user_id):
        async with limit:
            return await api.unified_api.get("ticketing", "users", user_id, params)
    started = time.perf_counter()
    got = await asyncio.gather(*(one(ids[n % len(ids)]) for n in range(count)))
    return len(got), time.perf_counter() - started

async def ours():
    from truto_ticketing import AsyncClient
    client = AsyncClient(token="sandbox-token", base_url=url, ca_cert=open(ca).read())
    if mode == "paging":
        started = time.perf_counter()
        users = [user async for user in client.list_users(ACCOUNT, limit=100)]
        return len(users), time.perf_counter() - started
    limit = asyncio.Semaphore(16)
    async def one(user_id):
        async with limit:
            return await client.get_user(ACCOUNT, user_id)
    started = time.perf_counter()
    got = await asyncio.gather(*(one(ids[n % len(ids)]) for n in range(count)))
    return len(got), time.perf_counter() - started

done, seconds = asyncio.run(official() if sdk == "official" else ours())
print(json.dumps({"done": done, "seconds": seconds}))
'''


def child(python: str, mode: str, sdk: str, sandbox: Sandbox, count: int, ids: List[str]) -> Dict[str, Any]:
    env = {**os.environ, "SSL_CERT_FILE": str(sandbox.ca)}
    output = subprocess.run(
        [python, "-c", CHILD, mode, sdk, sandbox.url, str(sandbox.ca), str(count), *ids],
        env=env, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def versus_official(args: argparse.Namespace, workdir: Path) -> Dict[str, Any]:
    sandbox = Sandbox(args.sandbox, workdir, "--no-rate-limits")
    try:
        seed(sandbox, args.users)
        ids = [stored["user"]["id"] for stored in sandbox.users(ACCOUNT)][:200]
        results: Dict[str, Any] = {}
        for mode, count in (("paging", args.users), ("get", args.gets)):
            seconds: Dict[str, List[float]] = {"official": [], "ours": []}
            for _ in range(args.rounds):
                # Alternated, so that a slower moment of the shared machine falls on both.
                for sdk in ("official", "ours"):
                    python = args.official_python if sdk == "official" else args.ours_python
                    measured = child(python, mode, sdk, sandbox, count, ids)
                    if measured["done"] != count:
                        raise SystemExit(f"{sdk} {mode}: {measured['done']} of {count}")
                    seconds[sdk].append(measured["seconds"])
            official, ours = statistics.median(seconds["official"]), statistics.median(seconds["ours"])
            results[mode] = {
                "count": count, "official_s": round(official, 3), "ours_s": round(ours, 3),
                "official_per_s": round(count / official, 1), "ours_per_s": round(count / ours, 1),
                "ratio": round(official / ours, 2), "met": ours < official,
            }
    finally:
        sandbox.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True, help="the truto-ticketing binary")
    parser.add_argument("--sandbox", required=True, help="the truto-sandbox binary")
    parser.add_argument("--quick", action="store_true", help="fewer users: the test command's run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each comparison (median)")
    parser.add_argument("--out", type=Path, help="write the results here as JSON")
    parser.add_argument("--official-python", default=sys.executable,
                        help="a Python with truto-python-sdk (default: this one)")
    parser.add_argument("--ours-python", default=sys.executable,
                        help="a Python with truto_ticketing (default: this one)")
    args = parser.parse_args()
    args.users = 2_000 if args.quick else 10_000
    args.gets = 500 if args.quick else 2_000
    if args.quick:
        args.rounds = 1

    with tempfile.TemporaryDirectory(prefix="truto-users-bench-") as directory:
        workdir = Path(directory)
        results = {"export": export(args, workdir), "versus_official_sdk": versus_official(args, workdir)}
    print(json.dumps(results, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    checks = [results["export"]["met"]]
    if not args.quick:
        # The quick run (the test command's, on debug builds) reports the comparisons but
        # judges only the export: speed is judged on release builds, by benches/run.
        checks += [r["met"] for r in results["versus_official_sdk"].values()]
    sys.exit(0 if all(checks) else 1)


if __name__ == "__main__":
    main()
