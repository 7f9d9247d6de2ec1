"""Bulk import, measured end to end: the `truto-ticketing users import` CLI (and, for
several accounts at once, one Python `AsyncClient`) against `truto-sandbox` processes over
HTTPS. Every check is a pass/fail against the issue's targets:

- pace:     ROWS rows into one account limited to 50 per 2 s: wall time at most 1.15x the
            floor (ROWS / 25 per s), at most 3 responses of 429;
- accounts: 4 accounts at once through one client, under a token limit of 100 per 2 s:
            wall time at most 1.15x the token's floor, at most 3 responses of 429 per account;
- crash:    the CLI killed with SIGKILL halfway, then run again: exactly ROWS users stored,
            no duplicates;
- faults:   30 % of requests faulted: every row ends created or in FILE.failed.jsonl with a
            typed error, none lost or doubled;
- memory:   a BIG-row JSON Lines file streams through in flat memory (peak RSS <= 100 MB).

    python benches/bulk.py --cli PATH --sandbox PATH [--quick] [--out FILE]

`--quick` (the test command's run) uses fewer rows. Exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

TOKEN = "sandbox-token"


class Sandbox:
    """`truto-sandbox --tls` in its own process, with the given flags."""

    def __init__(self, binary: str, workdir: Path, *flags: str) -> None:
        self.ca = workdir / f"ca-{time.monotonic_ns()}.pem"
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--tls", "--ca-out", str(self.ca), *flags],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip().removeprefix("listening on ")
        self.context = ssl.create_default_context(cafile=str(self.ca))

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/_sandbox/{path}", method=method, data=data,
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, context=self.context) as response:
            text = response.read()
        return json.loads(text) if text else None

    def users(self, account: str) -> List[Dict[str, Any]]:
        return list(self.admin("GET", f"users?integrated_account_id={account}"))

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


def write_rows(path: Path, count: int, prefix: str = "user") -> None:
    with path.open("w") as file:
        for n in range(1, count + 1):
            file.write(json.dumps({"id": f"{prefix}-{n}", "name": f"User {n}",
                                   "emails": [{"email": f"{prefix}{n}@example.com"}]}) + "\n")


def cli(args: argparse.Namespace, sandbox: Sandbox, *arguments: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TRUTO_API_TOKEN": TOKEN, "TRUTO_BASE_URL": sandbox.url}
    return subprocess.Popen([args.cli, "users", "import", *arguments, "--ca-cert", str(sandbox.ca)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def summary_of(process: subprocess.Popen[str]) -> Dict[str, Any]:
    stdout, stderr = process.communicate(timeout=600)
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"the CLI printed no summary (exit {process.returncode}): {stderr[-800:]}")
    summary: Dict[str, Any] = json.loads(lines[-1])
    summary["exit"] = process.returncode
    return summary


def no_duplicates(users: List[Dict[str, Any]]) -> bool:
    emails = [user["user"]["emails"][0]["email"] for user in users]
    return len(emails) == len(set(emails))


def pace(args: argparse.Namespace, workdir: Path) -> Dict[str, Any]:
    rows = args.rows
    sandbox = Sandbox(args.sandbox, workdir, "--account-limit", "50", "--token-limit", "100000",
                      "--window-secs", "2")
    try:
        file = workdir / "pace.jsonl"
        write_rows(file, rows)
        summary = summary_of(cli(args, sandbox, str(file), "--account", "sandbox-teamwork", "--concurrency", "16"))
        floor = rows / 25
        stored = sandbox.users("sandbox-teamwork")
    finally:
        sandbox.stop()
    return {
        "rows": rows, "floor_s": floor, "elapsed_s": summary["elapsed_s"],
        "ratio_to_floor": summary["elapsed_s"] / floor,
        "rate_limited_responses": summary["rate_limited_responses"], "requests": summary["requests"],
        "users_stored": len(stored),
        "met": summary["elapsed_s"] <= 1.15 * floor and summary["rate_limited_responses"] <= 3
        and len(stored) == rows and summary["exit"] == 0,
    }


def accounts(args: argparse.Namespace, workdir: Path) -> Dict[str, Any]:
    """Four imports at once through one AsyncClient: the token's window is shared."""
    import truto_ticketing as tt

    names = ["sandbox-teamwork", "sandbox-freshchat", "sandbox-hive", "sandbox-gorgias"]
    per_account = args.rows // 4
    sandbox = Sandbox(args.sandbox, workdir, "--account-limit", "50", "--token-limit", "100",
                      "--window-secs", "2")

    async def run() -> List[List[Any]]:
        async with tt.AsyncClient(token=TOKEN, base_url=sandbox.url, ca_cert=sandbox.ca.read_text()) as client:
            async def one(account: str) -> List[Any]:
                rows = [(f"{account}-{n}", {"name": f"User {n}", "nick_name": f"u{n}",
                                            "emails": [{"email": f"{account}-{n}@example.com"}]})
                        for n in range(1, per_account + 1)]
                return [result async for result in client.create_users(account, rows, concurrency=8)]

            return list(await asyncio.gather(*(one(account) for account in names)))

    try:
        started = time.monotonic()
        results = asyncio.run(run())
        elapsed = time.monotonic() - started
        stored = sum(len(sandbox.users(account)) for account in names)
    finally:
        sandbox.stop()
    total = per_account * 4
    floor = total / 50  # the token's 100 per 2 s
    allowed = 1.15 * floor
    rate_limited = [sum(result.rate_limited_responses for result in account) for account in results]
    failed = sum(1 for account in results for result in account if not result.ok)
    return {
        "accounts": 4, "rows": total, "floor_s": floor, "elapsed_s": round(elapsed, 3),
        "ratio_to_floor": elapsed / floor, "rate_limited_responses_per_account": rate_limited,
        "failed": failed, "users_stored": stored,
        "allowed_s": allowed,
        "met": elapsed <= allowed and max(rate_limited) <= 3 and stored == total and failed == 0,
    }


def crash(args: argparse.Namespace, workdir: Path) -> Dict[str, Any]:
    rows = args.rows
    sandbox = Sandbox(args.sandbox, workdir, "--no-rate-limits", "--latency-ms", "50")
    try:
        file = workdir / "crash.jsonl"
        write_rows(file, rows)
        journal = Path(f"{file}.journal")
        first = cli(args, sandbox, str(file), "--account", "sandbox-teamwork", "--concurrency", "8")
        while first.poll() is None:
            done = journal.read_text().count("\n") if journal.exists() else 0
            if done >= rows // 2:
                break
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
        journaled = journal.read_text().count("\n")
        stored_at_kill = len(sandbox.users("sandbox-teamwork"))
        rerun = summary_of(cli(args, sandbox, str(file), "--account", "sandbox-teamwork", "--concurrency", "8"))
        stored = sandbox.users("sandbox-teamwork")
    finally:
        sandbox.stop()
    return {
        "rows": rows, "journaled_at_kill": journaled, "stored_at_kill": stored_at_kill,
        "rerun": rerun, "users_stored": len(stored), "duplicates": not no_duplicates(stored),
        "met": len(stored) == rows and no_duplicates(stored) and rerun["exit"] == 0
        and rerun["skipped"] + rerun["created"] + rerun["replayed"] == rows,
    }


def faults(args: argparse.Namespace, workdir: Path) -> Dict[str, Any]:
    rows = args.rows
    # Limits far above the import's, so that only the faults (and their 429s) slow it.
    sandbox = Sandbox(args.sandbox, workdir, "--account-limit", "1000000", "--token-limit", "1000000")
    kinds = [{"status": 500}, {"status": 502}, {"status": 504}, {"status": 503},
             {"status": 429, "retry_after": 1}, {"drop": "before_store"}, {"drop": "after_store"}]
    # 30 % of the requests: every tenth, 3rd and 7th of each ten faulted, cycling the kinds.
    plan = [kinds[n % len(kinds)] if n % 10 in (0, 3, 7) else {} for n in range(rows * 3)]
    try:
        sandbox.admin("POST", "faults", {"integrated_account_id": "sandbox-teamwork", "faults": plan})
        file = workdir / "faults.jsonl"
        write_rows(file, rows)
        summary = summary_of(cli(args, sandbox, str(file), "--account", "sandbox-teamwork", "--concurrency", "8",
                                 "--max-retries", "2"))
        stored = sandbox.users("sandbox-teamwork")
        failed_path = Path(f"{file}.failed.jsonl")
        failures = [json.loads(line) for line in failed_path.read_text().splitlines()] if failed_path.exists() else []
        journal = [json.loads(line) for line in Path(f"{file}.journal").read_text().splitlines()]
    finally:
        sandbox.stop()
    created_rows = {entry["row"] for entry in journal if entry["outcome"] != "failed"}
    failed_rows = {failure["row"] for failure in failures}
    every_row = {f"user-{n}" for n in range(1, rows + 1)}
    typed = all(failure["error"]["kind"] in ("server", "rate_limited", "connection", "timeout") for failure in failures)
    stored_rows = {user["user"]["emails"][0]["email"].removesuffix("@example.com").replace("user", "user-")
                   for user in stored}
    return {
        "rows": rows, "faulted_share": 0.3, "summary": summary, "users_stored": len(stored),
        "rows_created": len(created_rows), "rows_failed": len(failed_rows),
        "lost": len(every_row - created_rows - failed_rows), "doubled": len(created_rows & failed_rows),
        "duplicates": not no_duplicates(stored),
        # A row can fail after its user was stored (the connection dropped after the store,
        # then the retries met more faults): a rerun replays that user with the row's key.
        "failed_but_stored": len(stored_rows & failed_rows),
        "met": created_rows | failed_rows == every_row and not created_rows & failed_rows and typed
        and no_duplicates(stored) and created_rows <= stored_rows and stored_rows <= every_row,
    }


def memory(args: argparse.Namespace, workdir: Path) -> Dict[str, Any]:
    rows = args.big
    sandbox = Sandbox(args.sandbox, workdir, "--no-rate-limits")
    try:
        file = workdir / "memory.jsonl"
        write_rows(file, rows)
        output = workdir / "memory-summary.json"
        env = {**os.environ, "TRUTO_API_TOKEN": TOKEN, "TRUTO_BASE_URL": sandbox.url}
        with output.open("w") as stdout:
            process = subprocess.Popen(
                [args.cli, "users", "import", str(file), "--account", "sandbox-teamwork", "--concurrency", "32",
                 "--ca-cert", str(sandbox.ca)],
                env=env, stdout=stdout, stderr=subprocess.DEVNULL,
            )
            # The CLI's own peak, from its own resource usage.
            _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        summary = json.loads(output.read_text().splitlines()[-1])
        peak_mb = usage.ru_maxrss / 1024
    finally:
        sandbox.stop()
    return {
        "rows": rows, "file_mb": round(file.stat().st_size / 1e6, 1), "peak_rss_mb": round(peak_mb, 1),
        "created": summary["created"], "elapsed_s": summary["elapsed_s"],
        "met": peak_mb <= 100 and summary["created"] == rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True, help="the truto-ticketing binary")
    parser.add_argument("--sandbox", required=True, help="the truto-sandbox binary")
    parser.add_argument("--quick", action="store_true", help="fewer rows: the test command's run")
    parser.add_argument("--out", type=Path, help="write the results here as JSON")
    parser.add_argument("--only", help="run one measurement: pace, accounts, crash, faults or memory")
    args = parser.parse_args()
    args.rows = 150 if args.quick else 500
    args.big = 20_000 if args.quick else 100_000
    results: Dict[str, Any] = {"rows": args.rows, "big_rows": args.big}
    with tempfile.TemporaryDirectory(prefix="truto-bulk-") as folder:
        workdir = Path(folder)
        for name, measure in (("pace", pace), ("accounts", accounts), ("crash", crash), ("faults", faults),
                              ("memory", memory)):
            if args.only and args.only != name:
                continue
            started = time.monotonic()
            results[name] = measure(args, workdir)
            print(f"bulk {name}: {'met' if results[name]['met'] else 'NOT MET'} "
                  f"({time.monotonic() - started:.1f} s) {json.dumps(results[name])}", file=sys.stderr)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    failed = [name for name, value in results.items() if isinstance(value, dict) and not value["met"]]
    if failed:
        raise SystemExit(f"bulk checks not met: {', '.join(failed)}")


if __name__ == "__main__":
    main()
