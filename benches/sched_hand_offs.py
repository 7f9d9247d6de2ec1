"""Who wakes whom, and what each wake-up costs, from a scheduler trace of a latency pass.

    perf record -e sched:sched_wakeup,sched:sched_switch -a -o sched.data -- \\
        python benches/python/bench.py latency --client truto_async --url URL --calls 3000
    perf script -i sched.data | python benches/sched_hand_offs.py [THREAD_NAME...]

THREAD_NAMEs (default: ``python``, ``node``, ``truto-ticketing``, ``tokio-rt-worker``;
the sandbox's threads are ``tokio-rt-worker``) are the threads to follow, by the start of
their name. The first quarter of the trace (start-up, warm-up) is skipped. Prints, for
each pair of waker and woken thread seen at least 100 times:

- how many wake-ups, and how many were done by an idle CPU (``swapper``): the waker
  queued the wake-up on the woken thread's CPU, which was asleep and had to be
  interrupted first, the expensive kind on a VM;
- the median time from the wake-up to the woken thread running;

then, for each followed thread, the median length of its stretches on a CPU.
"""

from __future__ import annotations

import collections
import re
import statistics
import sys
from typing import Dict, List, Tuple

EVENT = re.compile(r"^\s*(?P<comm>\S.*?)\s+(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s+(?P<time>[\d.]+):\s+"
                   r"sched:(?P<event>sched_wakeup|sched_switch):\s+(?P<fields>.*)$")
FIELD = re.compile(r"(\w+)=(.*?)(?= \w+=|$)")


def main() -> None:
    followed = tuple(sys.argv[1:]) or ("python", "node", "truto-ticketing", "tokio-rt-worker")
    lines = sys.stdin.read().splitlines()
    lines = lines[len(lines) // 4:]

    # pid of the woken thread -> (waker, woken, time of the wake-up)
    pending: Dict[str, Tuple[str, str, float]] = {}
    wakes: Dict[Tuple[str, str], List[float]] = collections.defaultdict(list)
    running_since: Dict[str, Tuple[str, float]] = {}
    stretches: Dict[str, List[float]] = collections.defaultdict(list)

    for line in lines:
        event = EVENT.match(line)
        if not event:
            continue
        time = float(event["time"])
        fields = dict(FIELD.findall(event["fields"]))
        if event["event"] == "sched_wakeup":
            woken = fields.get("comm", "")
            waker = "swapper (idle CPU)" if event["comm"].startswith("swapper") else event["comm"]
            if woken.startswith(followed):
                pending[fields["pid"]] = (waker, woken, time)
            continue
        # sched_switch on this CPU: the previous thread stops, the next one starts.
        previous = running_since.pop(event["cpu"], None)
        if previous is not None:
            stretches[previous[0]].append(time - previous[1])
        next_comm, next_pid = fields.get("next_comm", ""), fields.get("next_pid", "")
        if next_comm.startswith(followed):
            running_since[event["cpu"]] = (next_comm, time)
        if next_pid in pending:
            waker, woken, woken_at = pending.pop(next_pid)
            wakes[(waker, woken)].append(time - woken_at)

    print(f"{'waker':>22} -> {'woken':<18} {'wake-ups':>9} {'wake to run, p50':>17}")
    for (waker, woken), delays in sorted(wakes.items(), key=lambda item: -len(item[1])):
        if len(delays) >= 100:
            print(f"{waker:>22} -> {woken:<18} {len(delays):>9} "
                  f"{statistics.median(delays) * 1e6:>14.1f} us")
    print()
    print(f"{'thread':<18} {'stretches':>9} {'on a CPU, p50':>14}")
    for name, lengths in sorted(stretches.items(), key=lambda item: -len(item[1])):
        if len(lengths) >= 100:
            print(f"{name:<18} {len(lengths):>9} {statistics.median(lengths) * 1e6:>11.1f} us")


if __name__ == "__main__":
    main()
