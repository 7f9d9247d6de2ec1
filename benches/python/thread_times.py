"""Runs a Python script and prints, at its exit, what each of its threads cost per call.

    python benches/python/thread_times.py CALLS SCRIPT [ARGS...]

For example, the async client's threads at concurrency 1::

    python benches/python/thread_times.py 10000 benches/python/bench.py latency \\
        --client truto_async --url URL --calls 10000 --warmup 0

For each thread still alive at exit that ran for more than 5 ms, from
``/proc/self/task/*/schedstat`` and ``status`` (Linux): CPU time, time spent waiting on a
run queue once woken, and voluntary context switches, each divided by CALLS. Printed on
stderr, one line per thread, after the script's own output.
"""

from __future__ import annotations

import atexit
import os
import runpy
import sys


def report(calls: int) -> None:
    for tid in os.listdir("/proc/self/task"):
        task = f"/proc/self/task/{tid}"
        with open(f"{task}/comm") as comm, open(f"{task}/schedstat") as schedstat, open(f"{task}/status") as status:
            name = comm.read().strip()
            on_cpu_ns, queued_ns, _slices = (int(field) for field in schedstat.read().split())
            voluntary = int(status.read().split("voluntary_ctxt_switches:")[1].split()[0])
        if on_cpu_ns > 5_000_000:
            print(f"{name}: CPU {on_cpu_ns / calls / 1e3:.1f} us/call, run-queue wait "
                  f"{queued_ns / calls / 1e3:.1f} us/call, voluntary switches {voluntary / calls:.2f}/call",
                  file=sys.stderr)


def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    calls = int(sys.argv[1])
    script = sys.argv[2]
    sys.argv = sys.argv[2:]
    atexit.register(report, calls)
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
