"""Runs a command and prints how its CPU time splits between its threads, by name.

    python3 benches/thread_split.py [--skip FRACTION] COMMAND [ARGS...]

For example, the Node addon at 64 in flight, against a running sandbox::

    python3 benches/thread_split.py node benches/node/bench.mjs throughput \\
        --client truto --url URL --package target/bench/node-package --calls 40000

Any process works, whatever its language: the threads are read from the outside
(``/proc/PID/task/*/stat``, Linux), every 50 ms while the command runs. The split is
taken between the sample at FRACTION of the run (0.4 by default, past the warm-up of
the bench scripts) and the last sample, so start-up and warm-up do not count. Threads of
the same name are added together. The command's own output is passed through; the split
is printed on stderr as one JSON object, each name's share of the CPU time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter

SAMPLE_EVERY_S = 0.05


def cpu_ticks_by_thread_name(pid: int) -> Counter[str]:
    ticks: Counter[str] = Counter()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                line = stat.read()
        except FileNotFoundError:  # the thread ended between listing and reading
            continue
        # The name is in parentheses and may hold spaces; utime and stime are the 12th
        # and 13th fields after it.
        name = line[line.index("(") + 1 : line.rindex(")")]
        fields = line[line.rindex(")") + 2 :].split()
        ticks[name] += int(fields[11]) + int(fields[12])
    return ticks


def main() -> int:
    args = sys.argv[1:]
    skip = 0.4
    if args[:1] == ["--skip"]:
        skip, args = float(args[1]), args[2:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    command = subprocess.Popen(args)
    samples: list[Counter[str]] = []
    while command.poll() is None:
        try:
            samples.append(cpu_ticks_by_thread_name(command.pid))
        except (FileNotFoundError, ProcessLookupError):
            break  # the command is exiting
        time.sleep(SAMPLE_EVERY_S)
    if command.returncode:
        return command.returncode
    if len(samples) < 4:
        print("thread_split: the command ran too briefly to sample", file=sys.stderr)
        return 1
    first, last = samples[int(len(samples) * skip)], samples[-1]
    spent = {name: last[name] - first[name] for name in last if last[name] > first[name]}
    total = sum(spent.values())
    if total == 0:
        print("thread_split: no CPU time between the two samples", file=sys.stderr)
        return 1
    shares = {name: round(ticks / total, 3) for name, ticks in sorted(spent.items(), key=lambda item: -item[1])}
    print(json.dumps(shares), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
