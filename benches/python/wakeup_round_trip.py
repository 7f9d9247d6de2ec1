"""What one cross-thread wake-up costs on this machine, with no HTTP and no SDK.

    python benches/python/wakeup_round_trip.py [--trips 3000] [--same-cpu]

A forked echo process answers each byte sent over a socket pair. Each round trip is two
wake-ups of a sleeping thread (the echo's, then ours), the same hand-offs a call at
concurrency 1 makes between the caller, the I/O thread and the sandbox. It is timed
blocking, then through asyncio (``add_reader`` and a future, as ``AsyncClient`` does).
``--same-cpu`` pins both processes to one CPU (Linux), so that no wake-up crosses from
one CPU to another: the difference is what waking a thread on another, idle CPU costs.
Prints one JSON line with the p50 of each, in microseconds. Linux and macOS (``fork``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import time
from typing import List


def p50_us(samples: List[float]) -> float:
    ordered = sorted(samples[len(samples) // 10:])  # the first tenth is warm-up
    return round(ordered[len(ordered) // 2] * 1e6, 1)


def echo_forever(end: socket.socket) -> None:
    while True:
        byte = end.recv(1)
        if not byte:
            os._exit(0)
        end.send(byte)


def blocking_trips(ours: socket.socket, trips: int) -> List[float]:
    ours.setblocking(True)
    samples = []
    for _ in range(trips):
        started = time.perf_counter()
        ours.send(b"\1")
        ours.recv(1)
        samples.append(time.perf_counter() - started)
    return samples


async def asyncio_trips(ours: socket.socket, trips: int) -> List[float]:
    ours.setblocking(False)
    loop = asyncio.get_running_loop()
    waiting: List[asyncio.Future[None]] = []

    def readable() -> None:
        ours.recv(256)
        waiting.pop().set_result(None)

    loop.add_reader(ours.fileno(), readable)
    samples = []
    for _ in range(trips):
        started = time.perf_counter()
        future = loop.create_future()
        waiting.append(future)
        ours.send(b"\1")
        await future
        samples.append(time.perf_counter() - started)
    loop.remove_reader(ours.fileno())
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trips", type=int, default=3000)
    parser.add_argument("--same-cpu", action="store_true", help="pin both processes to one CPU")
    args = parser.parse_args()
    if args.same_cpu:
        # Before the fork, so that the echo process inherits it.
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    ours, theirs = socket.socketpair()
    if os.fork() == 0:
        ours.close()
        echo_forever(theirs)
    theirs.close()
    through_asyncio = asyncio.run(asyncio_trips(ours, args.trips))
    blocking = blocking_trips(ours, args.trips)
    ours.close()
    os.wait()
    print(json.dumps({"trips": args.trips, "same_cpu": args.same_cpu,
                      "blocking_p50_us": p50_us(blocking),
                      "asyncio_p50_us": p50_us(through_asyncio)}))


if __name__ == "__main__":
    main()
