"""Runs every measurement of ``benches/run`` against one sandbox process and reports.

Started by ``benches/run`` (which builds everything first) with the bench venv's Python.
Each measurement is a fresh process (``truto-bench``, ``bench.py``, ``bench.mjs``)
printing one JSON line. Clients that are compared run back to back, in an order that
rotates every round, and each figure is the median over the rounds: the machine is
shared and noisy, so only figures from the same run are compared.

Writes ``target/bench/results.json`` and ``target/bench/throughput.svg``, prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import ssl
import statistics
import subprocess
import sys
import time
import urllib.request
from html import escape
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
OUT = TARGET / "bench"
SANDBOX = TARGET / "release" / "truto-sandbox"
RUST_BENCH = TARGET / "release" / "truto-bench"
NODE_PACKAGE = OUT / "node-package"
PYTHON_BENCH = ROOT / "benches" / "python" / "bench.py"
NODE_BENCH = ROOT / "benches" / "node" / "bench.mjs"


class Sandbox:
    """``truto-sandbox`` in its own process; it exits when its stdin pipe closes."""

    def __init__(self, *args: str) -> None:
        self.ca_file: Optional[Path] = None
        command = [str(SANDBOX), "--port", "0", "--no-rate-limits", *args]
        if "--tls" in args:
            self.ca_file = OUT / f"sandbox-ca-{os.getpid()}-{len(args)}.pem"
            command += ["--ca-out", str(self.ca_file)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        prefix = "listening on "
        if not line.startswith(prefix):
            raise SystemExit(f"truto-sandbox did not start: {line!r}")
        self.url = line[len(prefix):]

    def _admin(self, method: str, path: str) -> bytes:
        context = None if self.ca_file is None else ssl.create_default_context(cafile=str(self.ca_file))
        request = urllib.request.Request(f"{self.url}/_sandbox/{path}", method=method,
                                         data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, context=context) as response:
            return bytes(response.read())

    def reset(self) -> None:
        """Forgets stored users, idempotency keys and counters, so every client starts from the same state."""
        self._admin("POST", "reset")

    def connections_accepted(self) -> int:
        """TCP connections the clients opened since the last reset (``GET /_sandbox/stats``,
        less the connection that request itself came on)."""
        return int(json.loads(self._admin("GET", "stats"))["connections_accepted"]) - 1

    def cpu_seconds(self) -> float:
        """The sandbox process's CPU time so far (Linux; 0 elsewhere)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        # utime and stime are the 14th and 15th fields of the line, in clock ticks.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


#: Measurement processes that failed and were run again: reported, never hidden.
FAILURES: List[Dict[str, Any]] = []


#: A measurement: its command line, and what it adds to the environment.
Command = Tuple[List[str], Dict[str, str]]


def run_json(measurement: Command, attempts: int = 3) -> Dict[str, Any]:
    """Runs one measurement process and reads its JSON line. A process that fails is
    recorded in ``FAILURES`` and run again (a figure is only ever of a clean run)."""
    command, extra_env = measurement
    for attempt in range(1, attempts + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        completed = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **extra_env})
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if completed.returncode == 0:
            report = json.loads(completed.stdout.strip().splitlines()[-1])
            # CPU time of the whole client process (start-up and warm-up included): far
            # less sensitive than wall-clock figures to what else the machine is doing.
            report["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            return report
        failure = {
            "command": " ".join(Path(part).name if part.startswith("/") else part for part in command),
            "exit_status": completed.returncode,
            "stderr": completed.stderr.strip()[-600:],
        }
        FAILURES.append(failure)
        print(f"  measurement failed (exit {completed.returncode}, attempt {attempt}): "
              f"{failure['command']}\n    {failure['stderr'][-300:]}", file=sys.stderr)
    raise SystemExit(f"measurement failed {attempts} times: {' '.join(command)}")


#: The latency-bound scenario: every create waits this long at the sandbox, and this many
#: creates are made with this many in flight, so the ideal wall time is
#: CALLS / IN_FLIGHT x LATENCY (1 s).
BOUND_LATENCY_MS = 100
BOUND_CALLS = 2_000
BOUND_IN_FLIGHT = 200
#: The SDK's clients in that scenario (requests runs beside them for context).
BOUND_CLIENTS_JUDGED = ("rust_core", "python_async", "python_sync_threads", "node")


class Plan:
    """The command lines of every measurement, sized by ``scale`` (1.0 is the issue's sizes).

    Three sandboxes: ``plain`` (HTTP), ``tls`` (HTTPS, with its CA) and ``bound`` (HTTP,
    every create delayed by ``BOUND_LATENCY_MS``)."""

    def __init__(self, sandboxes: Dict[str, Sandbox], scale: float) -> None:
        self.sandboxes = sandboxes
        self.scale = scale
        self.python = sys.executable

    def calls(self, count: int) -> str:
        return str(max(200, int(count * self.scale)))

    def _on(self, sandbox: str) -> Tuple[List[str], Dict[str, str]]:
        """The URL (and CA) arguments, and the environment, of a client of ``sandbox``."""
        target = self.sandboxes[sandbox]
        args = ["--url", target.url]
        env: Dict[str, str] = {}
        if target.ca_file is not None:
            args += ["--ca", str(target.ca_file)]
            # The peers that take no CA of their own: Node's fetch and undici, and the
            # official Python SDK (through ssl.create_default_context()).
            env = {"NODE_EXTRA_CA_CERTS": str(target.ca_file), "SSL_CERT_FILE": str(target.ca_file)}
        return args, env

    def rust(self, mode: str, client: str, *extra: str, on: str = "plain") -> Command:
        args, env = self._on(on)
        return [str(RUST_BENCH), mode, "--client", client, *args, *extra], env

    def python_bench(self, mode: str, client: str, *extra: str, on: str = "plain") -> Command:
        args, env = self._on(on)
        return [self.python, str(PYTHON_BENCH), mode, "--client", client, *args, *extra], env

    def node(self, mode: str, client: str, *extra: str, on: str = "plain") -> Command:
        args, env = self._on(on)
        return ["node", str(NODE_BENCH), mode, "--client", client, *args,
                "--package", str(NODE_PACKAGE), *extra], env

    def throughput_groups(self) -> List[List[Tuple[str, str, Command]]]:
        """Groups of (key, sandbox, command) measured side by side."""
        rust_calls = self.calls(20_000)
        python_calls = self.calls(5_000)
        node_calls = self.calls(10_000)
        thread_calls = self.calls(3_000)
        # The official SDK opens a connection (a TLS handshake) per call: fewer calls.
        official_calls = self.calls(1_000)
        return [
            [
                ("rust_core_rps", "plain", self.rust("throughput", "core", "--concurrency", "64", "--calls", rust_calls)),
                ("rust_reqwest_rps", "plain",
                 self.rust("throughput", "reqwest", "--concurrency", "64", "--calls", rust_calls)),
            ],
            [
                ("python_async_rps", "plain", self.python_bench("throughput", "truto", "--calls", python_calls)),
                ("python_aiohttp_rps", "plain", self.python_bench("throughput", "aiohttp", "--calls", python_calls)),
                ("python_aiohttp_per_call_rps", "plain",
                 self.python_bench("throughput", "aiohttp_per_call", "--calls", python_calls)),
                ("python_httpx_rps", "plain", self.python_bench("throughput", "httpx", "--calls", python_calls)),
                ("python_pyreqwest_rps", "plain",
                 self.python_bench("throughput", "pyreqwest", "--calls", python_calls)),
            ],
            [
                ("python_sync_threads_rps", "plain",
                 self.python_bench("threads", "truto", "--threads", "16", "--calls", thread_calls)),
                ("python_requests_threads_rps", "plain",
                 self.python_bench("threads", "requests", "--threads", "16", "--calls", thread_calls)),
            ],
            [
                ("node_rps", "plain", self.node("throughput", "truto", "--concurrency", "64", "--calls", node_calls)),
                ("node_fetch_rps", "plain",
                 self.node("throughput", "fetch", "--concurrency", "64", "--calls", node_calls)),
                ("node_undici_request_rps", "plain",
                 self.node("throughput", "undici", "--concurrency", "64", "--calls", node_calls)),
                # Not a peer: the least a Node client doing its I/O in JavaScript can cost
                # (bench.mjs's SocketFloor), the ceiling against which to read the targets.
                ("node_socket_floor_rps", "plain",
                 self.node("throughput", "socket_floor", "--concurrency", "64", "--calls", node_calls)),
            ],
            [
                ("rust_core_tls_rps", "tls",
                 self.rust("throughput", "core", "--concurrency", "64", "--calls", rust_calls, on="tls")),
                ("rust_reqwest_tls_rps", "tls",
                 self.rust("throughput", "reqwest", "--concurrency", "64", "--calls", rust_calls, on="tls")),
            ],
            [
                ("python_async_tls_rps", "tls",
                 self.python_bench("throughput", "truto", "--calls", python_calls, on="tls")),
                ("python_aiohttp_tls_rps", "tls",
                 self.python_bench("throughput", "aiohttp", "--calls", python_calls, on="tls")),
                ("python_official_sdk_tls_rps", "tls",
                 self.python_bench("throughput", "official_sdk", "--calls", official_calls, "--warmup", "50",
                                   on="tls")),
            ],
            [
                ("node_tls_rps", "tls",
                 self.node("throughput", "truto", "--concurrency", "64", "--calls", node_calls, on="tls")),
                ("node_undici_tls_rps", "tls",
                 self.node("throughput", "undici", "--concurrency", "64", "--calls", node_calls, on="tls")),
                ("node_fetch_tls_rps", "tls",
                 self.node("throughput", "fetch", "--concurrency", "64", "--calls", node_calls, on="tls")),
            ],
            [
                # The sandbox's own capacity: the lightest client at a concurrency that saturates it.
                ("sandbox_rps", "plain", self.rust("throughput", "reqwest", "--concurrency", "256", "--calls",
                                                   self.calls(40_000))),
            ],
        ]

    def latency_commands(self) -> List[Tuple[str, Command]]:
        calls = self.calls(2_000)
        return [
            ("rust_core", self.rust("latency", "core", "--calls", calls)),
            ("rust_reqwest", self.rust("latency", "reqwest", "--calls", calls)),
            ("python_async", self.python_bench("latency", "truto_async", "--calls", calls)),
            ("python_sync", self.python_bench("latency", "truto_sync", "--calls", calls)),
            ("node", self.node("latency", "truto", "--calls", calls)),
            # The peers, for context: no target is judged on them.
            ("python_pyreqwest", self.python_bench("latency", "pyreqwest", "--calls", calls)),
            ("python_aiohttp", self.python_bench("latency", "aiohttp", "--calls", calls)),
            ("node_undici_request", self.node("latency", "undici", "--calls", calls)),
            ("node_fetch", self.node("latency", "fetch", "--calls", calls)),
            # Not peers: the floors of an asyncio client that does its I/O on the loop's own
            # thread (bench.py's AsyncioFloor) and of a Node one (bench.mjs's SocketFloor).
            ("python_asyncio_floor", self.python_bench("latency", "asyncio_floor", "--calls", calls)),
            ("node_socket_floor", self.node("latency", "socket_floor", "--calls", calls)),
        ]

    def bound_commands(self) -> List[Tuple[str, Command]]:
        """The latency-bound scenario: every client makes ``BOUND_CALLS`` creates with
        ``BOUND_IN_FLIGHT`` in flight, from cold (no warm-up: opening the connections counts)."""
        calls, in_flight = str(BOUND_CALLS), str(BOUND_IN_FLIGHT)
        cold = ("--warmup", "0", "--calls", calls)
        return [
            ("rust_core", self.rust("throughput", "core", "--concurrency", in_flight, *cold, on="bound")),
            ("python_async", self.python_bench("throughput", "truto", "--concurrency", in_flight, *cold,
                                               on="bound")),
            ("python_sync_threads", self.python_bench("threads", "truto", "--threads", in_flight, *cold,
                                                      on="bound")),
            ("node", self.node("throughput", "truto", "--concurrency", in_flight, *cold, on="bound")),
            # A peer, for context: no target is judged on it.
            ("python_requests_threads", self.python_bench("threads", "requests", "--threads", in_flight, *cold,
                                                          on="bound")),
        ]

    def rss_command(self) -> Command:
        args, env = self._on("plain")
        return [self.python, str(PYTHON_BENCH), "rss", *args, "--concurrency", "256",
                "--calls", str(max(10_000, int(100_000 * self.scale)))], env


def rotated(items: List[Any], by: int) -> List[Any]:
    by %= len(items)
    return items[by:] + items[:by]


def startup_ms(command: List[str], runs: int) -> float:
    """The median of what a fresh process reports as its own import/require time (ms)."""
    samples = [float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
               for _ in range(runs)]
    return statistics.median(samples)


def file_mb(path: Path) -> float:
    return path.stat().st_size / 1e6


def machine() -> Dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(command: List[str]) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "unknown"

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "node": version(["node", "--version"]),
        "rustc": version(["rustc", "--version"]),
    }


# -- targets --------------------------------------------------------------------------------


def round_ratio(results: Dict[str, Any], ours: str, peer: str) -> float:
    pairs = zip(results["rounds"][ours], results["rounds"][peer])
    return statistics.median(mine / theirs for mine, theirs in pairs)


def round_cpu_ratio(results: Dict[str, Any], ours: str, peer: str) -> float:
    """The peer's client CPU per call over ours, per round, median: above 1, ours needs less."""
    pairs = zip(results["client_cpu_rounds"][ours], results["client_cpu_rounds"][peer])
    return statistics.median(theirs / mine for mine, theirs in pairs)


def latency_added_us(results: Dict[str, Any], binding: str) -> float:
    """The binding's p50 minus the core's, per round (measured seconds apart), median."""
    pairs = zip(results["latency_rounds"][binding], results["latency_rounds"]["rust_core"])
    return statistics.median(ours["p50_us"] - core["p50_us"] for ours, core in pairs)


def targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Every target, with the figure it is judged on and whether it is met."""
    rps = results
    checks: List[Dict[str, Any]] = []

    def ratio(name: str, ours: str, peer: str, at_least: float) -> None:
        # Each round's two figures were measured minutes apart at most, under the same
        # load from the rest of the machine: the median of the per-round ratios.
        value = round_ratio(results, ours, peer)
        checks.append({"target": name, "goal": f">= {at_least:g}x", "measured": f"{value:.2f}x",
                       "met": value >= at_least})

    def at_least(name: str, value: float, limit: float, unit: str = "") -> None:
        checks.append({"target": name, "goal": f">= {limit:g}{unit}", "measured": f"{value:.2f}{unit}",
                       "met": value >= limit})

    def at_most(name: str, value: float, limit: float, unit: str) -> None:
        checks.append({"target": name, "goal": f"<= {limit:g} {unit}", "measured": f"{value:.1f} {unit}",
                       "met": value <= limit})

    # Judged over HTTPS and latency-bound, as users' calls are: plain-HTTP loopback ratios
    # flip from one run to the next on this shared machine, and are figures, not targets.
    ratio("HTTPS: Python async vs aiohttp", "python_async_tls_rps", "python_aiohttp_tls_rps", 2.5)
    ratio("HTTPS: Python async vs the official SDK", "python_async_tls_rps", "python_official_sdk_tls_rps", 20)
    ratio("HTTPS: Node vs undici.request", "node_tls_rps", "node_undici_tls_rps", 1.1)
    for client in BOUND_CLIENTS_JUDGED:
        at_least(f"latency-bound efficiency, {client}", results["latency_bound_efficiency"][client], 0.85)
        at_most(f"latency-bound connections, {client}", results["latency_bound_connections"][client],
                BOUND_IN_FLIGHT, "")
    at_most("import truto_ticketing", rps["python_import_ms"], 50, "ms")
    at_most(f"Python peak RSS, {rps['python_rss_calls']:,} creates at concurrency 256", rps["python_peak_rss_mb"],
            100, "MB")
    at_most("wheel size", rps["wheel_mb"], 6, "MB")
    at_most("Node addon size", rps["node_addon_mb"], 6, "MB")
    return checks


# -- output ---------------------------------------------------------------------------------

THROUGHPUT_ROWS = [
    # key, label, the key it is compared with (ours over it), group
    ("rust_core_rps", "Rust: truto-ticketing core", "rust_reqwest_rps", "Rust, 64 concurrent"),
    ("rust_reqwest_rps", "Rust: raw reqwest + serde_json", None, "Rust, 64 concurrent"),
    ("python_async_rps", "Python: truto_ticketing.AsyncClient", None, "Python asyncio, 64 concurrent"),
    ("python_aiohttp_rps", "Python: aiohttp, one session", "python_async_rps", "Python asyncio, 64 concurrent"),
    ("python_aiohttp_per_call_rps", "Python: aiohttp, session per call", "python_async_rps",
     "Python asyncio, 64 concurrent"),
    ("python_httpx_rps", "Python: httpx.AsyncClient", "python_async_rps", "Python asyncio, 64 concurrent"),
    ("python_pyreqwest_rps", "Python: pyreqwest", "python_async_rps", "Python asyncio, 64 concurrent"),
    ("python_sync_threads_rps", "Python: truto_ticketing.Client", None, "Python sync, 16 threads"),
    ("python_requests_threads_rps", "Python: requests.Session", "python_sync_threads_rps",
     "Python sync, 16 threads"),
    ("node_rps", "Node: truto-ticketing", None, "Node, 64 concurrent"),
    ("node_fetch_rps", "Node: fetch", "node_rps", "Node, 64 concurrent"),
    ("node_undici_request_rps", "Node: undici.request", "node_rps", "Node, 64 concurrent"),
    ("node_socket_floor_rps", "Node: bare net.Socket floor (not a client)", "node_rps", "Node, 64 concurrent"),
    ("rust_core_tls_rps", "Rust: truto-ticketing core", "rust_reqwest_tls_rps", "HTTPS: Rust, 64 concurrent"),
    ("rust_reqwest_tls_rps", "Rust: raw reqwest + serde_json", None, "HTTPS: Rust, 64 concurrent"),
    ("python_async_tls_rps", "Python: truto_ticketing.AsyncClient", None, "HTTPS: Python asyncio, 64 concurrent"),
    ("python_aiohttp_tls_rps", "Python: aiohttp, one session", "python_async_tls_rps",
     "HTTPS: Python asyncio, 64 concurrent"),
    ("python_official_sdk_tls_rps", "Python: truto-python-sdk (Truto's own)", "python_async_tls_rps",
     "HTTPS: Python asyncio, 64 concurrent"),
    ("node_tls_rps", "Node: truto-ticketing", None, "HTTPS: Node, 64 concurrent"),
    ("node_undici_tls_rps", "Node: undici.request", "node_tls_rps", "HTTPS: Node, 64 concurrent"),
    ("node_fetch_tls_rps", "Node: fetch", "node_tls_rps", "HTTPS: Node, 64 concurrent"),
    ("sandbox_rps", "sandbox capacity (raw reqwest, 256 concurrent)", None, "Sandbox"),
]

#: The keys of the SDK's own rows.
OURS = {"rust_core_rps", "python_async_rps", "python_sync_threads_rps", "node_rps", "rust_core_tls_rps",
        "python_async_tls_rps", "node_tls_rps"}


def ours_and_peer(key: str, other: str) -> Tuple[str, str]:
    """A row's two keys as (the SDK's, the peer's): the core's row names raw reqwest as its
    `other`, every peer's row names the SDK client it is compared with."""
    return (key, other) if key in ("rust_core_rps", "rust_core_tls_rps") else (other, key)


def ratio_text(results: Dict[str, Any], key: str, other: Optional[str]) -> str:
    """Throughput, ours over the peer's."""
    if other is None:
        return ""
    ratio = round_ratio(results, *ours_and_peer(key, other))
    return f"{ratio:.2f}x raw reqwest" if key.startswith("rust_core") else f"ours is {ratio:.2f}x"


def cpu_ratio_text(results: Dict[str, Any], key: str, other: Optional[str]) -> str:
    """Client CPU per call, the peer's over ours."""
    if other is None:
        return ""
    return f"{round_cpu_ratio(results, *ours_and_peer(key, other)):.2f}x"


def table(results: Dict[str, Any]) -> str:
    lines = [f"{'client':<48} {'median req/s':>12}  {'min..max over rounds':>22}  {'CPU us/call':>11}  "
             f"{'CPU peer/ours':>13}  ratio"]
    for key, label, other, _group in THROUGHPUT_ROWS:
        spread = results["rounds"][key]
        cpu = results["client_cpu_us_per_call"][key]
        lines.append(f"{label:<48} {results[key]:>12,.0f}  {min(spread):>10,.0f}..{max(spread):<10,.0f}  "
                     f"{cpu:>11.1f}  {cpu_ratio_text(results, key, other):>13}  {ratio_text(results, key, other)}")
    lines.append("")
    lines.append(f"{'latency at concurrency 1':<48} {'p50 us':>12}  {'p99 us':>10}")
    for name, figures in results["latency_us"].items():
        lines.append(f"{name:<48} {figures['p50_us']:>12.0f}  {figures['p99_us']:>10.0f}")
    lines.append("")
    lines.append(f"{'latency-bound: ' + str(BOUND_CALLS) + ' creates, ' + str(BOUND_IN_FLIGHT) + ' in flight':<48} "
                 f"{'efficiency':>12}  {'connections':>11}")
    for name, efficiency in results["latency_bound_efficiency"].items():
        lines.append(f"{name:<48} {efficiency:>12.2f}  {results['latency_bound_connections'][name]:>11.0f}")
    lines.append("")
    for key, unit in (("python_import_ms", "ms"), ("node_require_ms", "ms"), ("python_peak_rss_mb", "MB"),
                      ("wheel_mb", "MB"), ("node_addon_mb", "MB")):
        lines.append(f"{key:<48} {results[key]:>12.1f} {unit}")
    lines.append("")
    if results["failures"]:
        lines.append(f"{len(results['failures'])} measurement process(es) failed and were run again:")
        lines.extend(f"  exit {failure['exit_status']}: {failure['command']}" for failure in results["failures"])
        lines.append("")
    for check in results["targets"]:
        mark = "met" if check["met"] else "NOT MET"
        lines.append(f"[{mark:^7}] {check['target']:<52} goal {check['goal']:<10} measured {check['measured']}")
    return "\n".join(lines)


def markdown(results: Dict[str, Any]) -> str:
    """The tables of ``docs/benchmarks.md``, from one run's results."""
    lines = ["| client | median req/s | min..max over rounds | client CPU µs/call | sandbox CPU µs/call "
             "| client CPU, peer ÷ ours | ratio (same rounds) |",
             "|---|---:|---:|---:|---:|---:|---|"]

    def cpu_text(kind: str, key: str) -> str:
        value = results.get(kind, {}).get(key)
        return f"{value:.1f}" if value is not None else "n/a"

    for key, label, other, _group in THROUGHPUT_ROWS:
        spread = results["rounds"][key]
        lines.append(f"| {label} (`{key}`) | {results[key]:,.0f} | {min(spread):,.0f}..{max(spread):,.0f} | "
                     f"{cpu_text('client_cpu_us_per_call', key)} | {cpu_text('sandbox_cpu_us_per_call', key)} | "
                     f"{cpu_ratio_text(results, key, other)} | {ratio_text(results, key, other)} |")
    lines += ["", "| latency at concurrency 1 | p50 µs | p99 µs | p50 added over the core (same rounds) |",
              "|---|---:|---:|---:|"]
    for name, figures in results["latency_us"].items():
        added = f"{latency_added_us(results, name):+.0f}" if name != "rust_core" else ""
        lines.append(f"| {name} | {figures['p50_us']:.0f} | {figures['p99_us']:.0f} | {added} |")
    lines += ["", f"| latency-bound ({BOUND_CALLS:,} creates, {BOUND_IN_FLIGHT} in flight, "
              f"{BOUND_LATENCY_MS} ms each) | efficiency | connections |", "|---|---:|---:|"]
    for name, efficiency in results["latency_bound_efficiency"].items():
        lines.append(f"| {name} | {efficiency:.2f} | {results['latency_bound_connections'][name]:.0f} |")
    lines += ["", "| other | value |", "|---|---:|"]
    for key, unit in (("python_import_ms", "ms"), ("node_require_ms", "ms"), ("python_peak_rss_mb", "MB"),
                      ("wheel_mb", "MB"), ("node_addon_mb", "MB")):
        lines.append(f"| `{key}` | {results[key]:.1f} {unit} |")
    lines += ["", "| target | goal | measured | met |", "|---|---|---|---|"]
    for check in results["targets"]:
        lines.append(f"| {check['target']} | {check['goal']} | {check['measured']} | "
                     f"{'yes' if check['met'] else '**no**'} |")
    return "\n".join(lines) + "\n"


def svg_chart(results: Dict[str, Any]) -> str:
    """A horizontal bar per client, grouped by language; the SDK's bars are highlighted."""
    ours = OURS
    not_clients = {"node_socket_floor_rps", "sandbox_rps"}
    label_width, bar_width, row, gap = 330, 440, 24, 16
    top = 52
    peak = max(results[key] for key, *_ in THROUGHPUT_ROWS)
    parts: List[str] = []
    y = top
    group = None
    for key, label, _other, row_group in THROUGHPUT_ROWS:
        if row_group != group:
            if group is not None:
                y += gap
            group = row_group
            parts.append(f'<text x="10" y="{y + 12}" font-weight="bold">{escape(row_group)}</text>')
            y += row
        value = results[key]
        width = max(1.0, bar_width * value / peak)
        colour = "#d9480f" if key in ours else ("#868e96" if key in not_clients else "#4c6ef5")
        parts.append(f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{width:.1f}" height="{row - 6}" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{label_width + width + 6:.1f}" y="{y + 14}">{value:,.0f}</text>')
        y += row
    height = y + 30
    width = label_width + bar_width + 90
    title = "create_user throughput against the local sandbox (requests/s, median of rounds)"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">\n'
        f'<rect width="100%" height="100%" fill="white"/>\n'
        f'<text x="10" y="22" font-size="14" font-weight="bold">{escape(title)}</text>\n'
        f'<text x="10" y="40" fill="#495057">orange: truto-ticketing; blue: the peers; grey: a floor and the '
        f'sandbox alone. {results["machine"]["cores"]} cores, shared with the sandbox.</text>\n'
        + "\n".join(parts)
        + f'\n<text x="10" y="{height - 10}" fill="#495057">{escape(results["generated_at"])}, '
        f'{results["rounds_count"]} rounds</text>\n</svg>\n'
    )


# -- the run --------------------------------------------------------------------------------


# The p50 added over the core is a difference of two figures that each move by tens of
# microseconds from one minute to the next on a shared machine, so it gets more samples
# than the throughput figures: each pass runs every latency client once, back to back.
LATENCY_PASSES_PER_ROUND = 3


def measure(plan: Plan, rounds: int, log: Callable[[str], None]) -> Dict[str, Any]:
    sandboxes = plan.sandboxes
    per_round: Dict[str, List[float]] = {}
    cpu_per_call: Dict[str, List[float]] = {}
    sandbox_cpu_per_call: Dict[str, List[float]] = {}
    latency_rounds: Dict[str, List[Dict[str, float]]] = {}
    bound_efficiency: Dict[str, List[float]] = {}
    bound_connections: Dict[str, List[int]] = {}
    ideal_seconds = BOUND_CALLS / BOUND_IN_FLIGHT * BOUND_LATENCY_MS / 1000
    for round_index in range(rounds):
        log(f"round {round_index + 1}/{rounds}")
        for group in plan.throughput_groups():
            for key, on, command in rotated(group, round_index):
                sandbox = sandboxes[on]
                sandbox.reset()
                sandbox_before = sandbox.cpu_seconds()
                report = run_json(command)
                sandbox_cpu = sandbox.cpu_seconds() - sandbox_before
                figure = report["rps"]
                per_round.setdefault(key, []).append(figure)
                # The CPU of the timed calls, as the process measured it; a process that
                # cannot tell is charged its whole life, start-up and warm-up included.
                client_cpu = report.get("measured_cpu_seconds", report["cpu_seconds"])
                cpu_per_call.setdefault(key, []).append(client_cpu / report["calls"] * 1e6)
                # The sandbox served the warm-up calls too, in the same process lifetime.
                served = report["calls"] + report["warmup_calls"]
                sandbox_cpu_per_call.setdefault(key, []).append(sandbox_cpu / served * 1e6)
                log(f"  {key:<32} {figure:>10,.0f} req/s  {cpu_per_call[key][-1]:>6.1f} us CPU/call "
                    f"(sandbox {sandbox_cpu_per_call[key][-1]:.1f})")
        for latency_pass in range(LATENCY_PASSES_PER_ROUND):
            rotation = round_index * LATENCY_PASSES_PER_ROUND + latency_pass
            for name, command in rotated(plan.latency_commands(), rotation):
                sandboxes["plain"].reset()
                figures = run_json(command)
                latency_rounds.setdefault(name, []).append(figures)
                log(f"  latency {name:<24} p50 {figures['p50_us']:>7.0f} us  p99 {figures['p99_us']:>7.0f} us")
        for name, command in rotated(plan.bound_commands(), round_index):
            sandboxes["bound"].reset()
            report = run_json(command)
            connections = sandboxes["bound"].connections_accepted()
            bound_efficiency.setdefault(name, []).append(ideal_seconds / report["seconds"])
            bound_connections.setdefault(name, []).append(connections)
            log(f"  latency-bound {name:<20} {report['seconds']:.2f} s (efficiency "
                f"{bound_efficiency[name][-1]:.2f}), {connections} connections")

    results: Dict[str, Any] = {key: statistics.median(values) for key, values in per_round.items()}
    results["latency_us"] = {
        name: {
            "p50_us": statistics.median(sample["p50_us"] for sample in samples),
            "p99_us": statistics.median(sample["p99_us"] for sample in samples),
        }
        for name, samples in latency_rounds.items()
    }
    results["rounds"] = per_round
    results["latency_rounds"] = latency_rounds
    results["client_cpu_us_per_call"] = {key: statistics.median(values) for key, values in cpu_per_call.items()}
    results["client_cpu_rounds"] = cpu_per_call
    # The server's CPU per call served (warm-up calls counted): what the client leaves of the 2 cores.
    results["sandbox_cpu_us_per_call"] = {
        key: statistics.median(values) for key, values in sandbox_cpu_per_call.items()
    }
    results["latency_bound_efficiency"] = {name: statistics.median(v) for name, v in bound_efficiency.items()}
    # The most any round opened: the target is a ceiling.
    results["latency_bound_connections"] = {name: max(v) for name, v in bound_connections.items()}
    results["latency_bound_rounds"] = {"efficiency": bound_efficiency, "connections": bound_connections}

    log("memory: AsyncClient, concurrency 256")
    sandboxes["plain"].reset()
    memory = run_json(plan.rss_command())
    sandboxes["plain"].reset()
    results["python_peak_rss_mb"] = memory["peak_rss_mb"]
    results["python_rss_mb_after_calls"] = memory["rss_mb_after_calls"]
    results["python_rss_calls"] = memory["calls"]
    log(f"  peak {memory['peak_rss_mb']:.1f} MB over {memory['calls']:,} calls")

    log("startup: import and require in fresh processes")
    results["python_import_ms"] = startup_ms(
        [plan.python, "-c", "import time; s = time.perf_counter(); import truto_ticketing; "
                            "print((time.perf_counter() - s) * 1000)"], runs=9)
    results["node_require_ms"] = startup_ms(
        ["node", "-e", "const s = process.hrtime.bigint(); require(process.argv[1]); "
                       "console.log(Number(process.hrtime.bigint() - s) / 1e6)", str(NODE_PACKAGE)], runs=9)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="truto-ticketing benchmarks (use benches/run)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every throughput and latency figure")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiplies every call count (0.2 for a quick look; reports use 1)")
    parser.add_argument("--wheel", type=Path, required=True, help="the release wheel that is installed")
    parser.add_argument("--docs", action="store_true",
                        help="also copy the chart and results.json into docs/ (benchmarks-*)")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    OUT.mkdir(parents=True, exist_ok=True)
    addon = next(NODE_PACKAGE.glob("*.node"))
    sandboxes: Dict[str, Sandbox] = {}
    try:
        sandboxes["plain"] = Sandbox()
        sandboxes["tls"] = Sandbox("--tls")
        sandboxes["bound"] = Sandbox("--latency-ms", str(BOUND_LATENCY_MS))
        for name, sandbox in sandboxes.items():
            log(f"sandbox {name} at {sandbox.url}")
        started = time.time()
        results = measure(Plan(sandboxes, args.scale), args.rounds, log)
    finally:
        for sandbox in sandboxes.values():
            sandbox.stop()
    results["wheel_mb"] = file_mb(args.wheel)
    results["node_addon_mb"] = file_mb(addon)
    results["rounds_count"] = args.rounds
    results["scale"] = args.scale
    results["seconds"] = round(time.time() - started, 1)
    results["generated_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results["machine"] = machine()
    results["command"] = f"benches/run --rounds {args.rounds} --scale {args.scale:g}" + (" --docs" * args.docs)
    results["targets"] = targets(results)
    results["failures"] = FAILURES

    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (OUT / "results.md").write_text(markdown(results))
    chart = svg_chart(results)
    (OUT / "throughput.svg").write_text(chart)
    if args.docs:
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copyfile(OUT / "throughput.svg", ROOT / "docs" / "benchmarks-throughput.svg")
        shutil.copyfile(OUT / "results.json", ROOT / "docs" / "benchmarks-results.json")
    print(table(results))
    print(f"\nwrote {OUT / 'results.json'}, {OUT / 'results.md'} and {OUT / 'throughput.svg'}")


if __name__ == "__main__":
    main()
