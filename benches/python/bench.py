"""The Python side of ``benches/run``: one measurement per process, one JSON line out.

    bench.py throughput --client CLIENT --url URL [--concurrency 64] [--calls 5000]
    bench.py threads    --client truto|requests --url URL [--threads 16] [--calls 3000]
    bench.py latency    --client truto_async|truto_sync|aiohttp|pyreqwest|... --url URL [--calls 2000]
    bench.py rss        --url URL [--concurrency 256] [--calls 100000]

Throughput clients: ``truto`` (``AsyncClient``), ``aiohttp`` (one reused
``ClientSession``), ``aiohttp_per_call`` (a new session per call, as Truto's own Python
SDK does), ``official_sdk`` (Truto's ``truto-python-sdk`` itself, called as its README
shows), ``httpx`` (one ``AsyncClient``) and ``pyreqwest`` (one client). Latency takes
the same async clients (``truto_async`` being the SDK's), ``truto_sync``, and
``asyncio_floor`` (a bare ``asyncio.Protocol``, one call at a time: see ``AsyncioFloor``).

``--ca FILE`` trusts an HTTPS sandbox's CA: the SDK through ``ca_cert=``, aiohttp and the
official SDK through an SSL context (the official SDK has no option of its own: the
harness gives it ``SSL_CERT_FILE``), httpx through ``verify=``.

Every client does the same work: ``create_user`` on the account with the body of
``benches/body.json``, an ``Idempotency-Key`` per call (the SDK always sends one, and the
sandbox does the same work for it), and the answer parsed into the user. Any failed
call ends the process with an error, so a figure never counts failures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

USERS_PATH = "/unified/ticketing/users"
BODY_FILE = Path(__file__).resolve().parent.parent / "body.json"

AsyncCall = Callable[[], Awaitable[Any]]


class Target:
    """Where and what every client sends."""

    def __init__(self, url: str, token: str, account: str, body: Dict[str, Any], ca: Optional[str]) -> None:
        self.base_url = url
        self.url = url + USERS_PATH
        self.params = {"integrated_account_id": account}
        self.account = account
        self.token = token
        self.body = body
        self.ca_file = ca
        self.ca_pem = Path(ca).read_text() if ca else None

    def ssl_context(self) -> Any:
        """An SSL context trusting the CA, or ``True`` (the default checks) without one."""
        if self.ca_pem is None:
            return True
        import ssl

        return ssl.create_default_context(cadata=self.ca_pem)

    def headers(self) -> Dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        }


def created(status: int, user: Dict[str, Any]) -> Dict[str, Any]:
    if status not in (200, 201) or "id" not in user:
        raise RuntimeError(f"create_user failed: {status} {user}")
    return user


# -- asyncio clients: each factory is an async context manager yielding one call --------


class TrutoAsync:
    def __init__(self, target: Target) -> None:
        from truto_ticketing import AsyncClient

        self.client = AsyncClient(token=target.token, base_url=target.base_url, ca_cert=target.ca_pem)
        self.account = target.account
        self.body = target.body

    async def __aenter__(self) -> AsyncCall:
        client, account, body = self.client, self.account, self.body

        async def call() -> Any:
            return await client.create_user(account, **body)

        return call

    async def __aexit__(self, *exc: object) -> None:
        await self.client.close()


class AiohttpReused:
    def __init__(self, target: Target) -> None:
        self.target = target

    async def __aenter__(self) -> AsyncCall:
        import aiohttp

        target = self.target
        connector = aiohttp.TCPConnector(limit=0, ssl=target.ssl_context())
        self.session = aiohttp.ClientSession(connector=connector)
        session = self.session

        async def call() -> Any:
            async with session.post(
                target.url, params=target.params, json=target.body, headers=target.headers()
            ) as response:
                return created(response.status, await response.json())

        return call

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()


class AiohttpPerCall:
    """A session (so a connection) per call: what ``truto-python-sdk`` does."""

    def __init__(self, target: Target) -> None:
        self.target = target

    async def __aenter__(self) -> AsyncCall:
        import aiohttp

        target = self.target

        async def call() -> Any:
            connector = aiohttp.TCPConnector(ssl=target.ssl_context())
            async with aiohttp.ClientSession(connector=connector) as session:
                async with session.post(
                    target.url, params=target.params, json=target.body, headers=target.headers()
                ) as response:
                    return created(response.status, await response.json())

        return call

    async def __aexit__(self, *exc: object) -> None:
        pass


class OfficialSdk:
    """Truto's own ``truto-python-sdk``, called as its README shows (``unified_api.create``).
    It opens a new aiohttp session, so a new connection, per call, and trusts what
    ``ssl.create_default_context()`` trusts (the harness points ``SSL_CERT_FILE`` at the CA)."""

    def __init__(self, target: Target) -> None:
        self.target = target

    async def __aenter__(self) -> AsyncCall:
        from truto_python_sdk import TrutoApi

        target = self.target
        api = TrutoApi(token=target.token, base_url=target.base_url)

        async def call() -> Any:
            user = await api.unified_api.create("ticketing", "users", target.body, dict(target.params))
            return created(201, user)

        return call

    async def __aexit__(self, *exc: object) -> None:
        pass


class Httpx:
    def __init__(self, target: Target) -> None:
        self.target = target

    async def __aenter__(self) -> AsyncCall:
        import httpx

        target = self.target
        self.client = httpx.AsyncClient(limits=httpx.Limits(max_connections=None), verify=target.ssl_context())
        client = self.client

        async def call() -> Any:
            response = await client.post(
                target.url, params=target.params, json=target.body, headers=target.headers()
            )
            return created(response.status_code, response.json())

        return call

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()


class Pyreqwest:
    def __init__(self, target: Target) -> None:
        self.target = target

    async def __aenter__(self) -> AsyncCall:
        from pyreqwest.client import ClientBuilder

        target = self.target
        self.client = ClientBuilder().build()
        client = self.client

        async def call() -> Any:
            response = await (
                client.post(target.url)
                .query(target.params)
                .headers(target.headers())
                .body_json(target.body)
                .build()
                .send()
            )
            return created(response.status, await response.json())

        return call

    async def __aexit__(self, *exc: object) -> None:
        await self.client.close()


class AsyncioFloor:
    """What an asyncio client reaches when its I/O runs on the event loop's own thread and
    nothing else: one keep-alive connection, the request written and the answer read by a
    bare ``asyncio.Protocol``, ``json`` both ways. Not a client anyone should use (no TLS,
    no pool, no chunked bodies, no retries, one call at a time): a floor for the latency
    passes, to tell what the SDK's hand-offs between threads cost from what asyncio does."""

    def __init__(self, target: Target) -> None:
        self.target = target

    async def __aenter__(self) -> AsyncCall:
        from urllib.parse import urlencode, urlsplit

        target = self.target
        url = urlsplit(target.url)
        if url.scheme != "http" or url.hostname is None:
            raise SystemExit(f"the floor client speaks plain HTTP only: {target.url}")
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(
            _FloorConnection, url.hostname, url.port or 80
        )
        self.connection = connection
        request_line = f"POST {url.path}?{urlencode(target.params)} HTTP/1.1\r\nHost: {url.netloc}\r\n"

        async def call() -> Any:
            body = json.dumps(target.body).encode()
            headers = "".join(f"{name}: {value}\r\n" for name, value in target.headers().items())
            head = f"{request_line}{headers}Content-Length: {len(body)}\r\n\r\n".encode()
            status, payload = await connection.exchange(loop, head + body)
            return created(status, json.loads(payload))

        return call

    async def __aexit__(self, *exc: object) -> None:
        self.connection.transport.close()


class _FloorConnection(asyncio.Protocol):
    """One HTTP/1.1 exchange at a time; answers must carry a Content-Length."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.answer: "asyncio.Future[Tuple[int, bytes]] | None" = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]

    def exchange(self, loop: asyncio.AbstractEventLoop, request: bytes) -> "asyncio.Future[Tuple[int, bytes]]":
        if self.answer is not None and not self.answer.done():
            raise RuntimeError("the floor client makes one call at a time")
        self.answer = loop.create_future()
        self.transport.write(request)
        return self.answer

    def data_received(self, data: bytes) -> None:
        self.received += data
        head_end = self.received.find(b"\r\n\r\n")
        if head_end < 0:
            return
        head = bytes(self.received[:head_end]).decode("latin-1").split("\r\n")
        fields = {name.strip().lower(): value.strip()
                  for name, _, value in (line.partition(":") for line in head[1:])}
        assert self.answer is not None
        if "content-length" not in fields:
            self.answer.set_exception(RuntimeError("the floor client needs a Content-Length"))
            self.transport.close()
            return
        body_end = head_end + 4 + int(fields["content-length"])
        if len(self.received) < body_end:
            return
        payload = bytes(self.received[head_end + 4:body_end])
        del self.received[:body_end]
        self.answer.set_result((int(head[0].split()[1]), payload))

    def connection_lost(self, exc: "Exception | None") -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_exception(exc or ConnectionError("the sandbox closed the connection"))


ASYNC_CLIENTS = {
    "truto": TrutoAsync,
    "aiohttp": AiohttpReused,
    "aiohttp_per_call": AiohttpPerCall,
    "official_sdk": OfficialSdk,
    "httpx": Httpx,
    "pyreqwest": Pyreqwest,
    "asyncio_floor": AsyncioFloor,
}


async def drive(call: AsyncCall, concurrency: int, calls: int) -> None:
    """``calls`` calls from ``concurrency`` workers, each taking the next call when done."""
    remaining = iter(range(calls))

    async def worker() -> None:
        for _ in remaining:
            await call()

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def throughput(args: argparse.Namespace, target: Target) -> Dict[str, Any]:
    warmup = min(args.warmup, args.calls)
    async with ASYNC_CLIENTS[args.client](target) as call:
        await drive(call, args.concurrency, warmup)
        started, cpu_started = time.perf_counter(), time.process_time()
        await drive(call, args.concurrency, args.calls)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return {"client": args.client, "calls": args.calls, "warmup_calls": warmup, "seconds": seconds,
            "rps": args.calls / seconds, "measured_cpu_seconds": cpu_seconds}


# -- threads: the sync Client against requests ------------------------------------------


def sync_caller(client: str, target: Target) -> Callable[[], Callable[[], Any]]:
    """A factory called once per thread, giving that thread's call."""
    if client == "truto":
        from truto_ticketing import Client

        shared = Client(token=target.token, base_url=target.base_url, ca_cert=target.ca_pem)

        def truto_for_thread() -> Callable[[], Any]:
            return lambda: shared.create_user(target.account, **target.body)

        return truto_for_thread
    if client == "requests":
        import requests

        def requests_for_thread() -> Callable[[], Any]:
            session = requests.Session()  # requests.Session is not thread-safe: one each
            session.verify = target.ca_file or True

            def call() -> Any:
                response = session.post(
                    target.url, params=target.params, json=target.body, headers=target.headers()
                )
                return created(response.status_code, response.json())

            return call

        return requests_for_thread
    raise SystemExit(f"unknown sync client {client!r}")


def run_threads(for_thread: Callable[[], Callable[[], Any]], threads: int, calls: int) -> Tuple[float, float]:
    """The seconds the calls took, and the process's CPU seconds (every thread) meanwhile."""
    remaining = iter(range(calls))
    lock = threading.Lock()
    errors: List[BaseException] = []
    ready = threading.Barrier(threads + 1)

    def worker() -> None:
        call = for_thread()
        ready.wait()
        try:
            while True:
                with lock:
                    if next(remaining, None) is None:
                        return
                call()
        except BaseException as error:  # reported below, after every thread stopped
            errors.append(error)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    ready.wait()
    started, cpu_started = time.perf_counter(), time.process_time()
    for thread in pool:
        thread.join()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    if errors:
        raise errors[0]
    return seconds, cpu_seconds


def threads(args: argparse.Namespace, target: Target) -> Dict[str, Any]:
    for_thread = sync_caller(args.client, target)
    warmup = min(args.warmup, args.calls)
    run_threads(for_thread, args.threads, warmup)
    seconds, cpu_seconds = run_threads(for_thread, args.threads, args.calls)
    return {"client": args.client, "calls": args.calls, "warmup_calls": warmup, "threads": args.threads,
            "seconds": seconds, "rps": args.calls / seconds, "measured_cpu_seconds": cpu_seconds}


# -- latency at concurrency 1 ------------------------------------------------------------


def percentiles(samples: List[float]) -> Dict[str, float]:
    samples.sort()

    def at(quantile: float) -> float:
        return samples[round((len(samples) - 1) * quantile)] * 1e6

    return {"p50_us": at(0.50), "p99_us": at(0.99)}


def latency(args: argparse.Namespace, target: Target) -> Dict[str, Any]:
    samples: List[float] = []
    if args.client == "truto_sync":
        from truto_ticketing import Client

        client = Client(token=target.token, base_url=target.base_url, ca_cert=target.ca_pem)
        for index in range(args.warmup + args.calls):
            started = time.perf_counter()
            client.create_user(target.account, **target.body)
            if index >= args.warmup:
                samples.append(time.perf_counter() - started)
    elif args.client == "truto_async" or args.client in ASYNC_CLIENTS:
        async_client = TrutoAsync if args.client == "truto_async" else ASYNC_CLIENTS[args.client]

        async def measure() -> None:
            async with async_client(target) as call:
                for index in range(args.warmup + args.calls):
                    started = time.perf_counter()
                    await call()
                    if index >= args.warmup:
                        samples.append(time.perf_counter() - started)

        asyncio.run(measure())
    else:
        raise SystemExit(f"unknown latency client {args.client!r}")
    return {"client": args.client, "calls": args.calls, **percentiles(samples)}


# -- memory: many calls through one AsyncClient -------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss(args: argparse.Namespace, target: Target) -> Dict[str, Any]:
    checkpoints: Dict[str, float] = {}

    async def measure() -> None:
        async with TrutoAsync(target) as call:
            done = 0
            step = args.calls // 10
            while done < args.calls:
                await drive(call, args.concurrency, step)
                done += step
                checkpoints[str(done)] = round(rss_mb(), 1)

    started = time.perf_counter()
    asyncio.run(measure())
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"calls": args.calls, "concurrency": args.concurrency, "seconds": seconds,
            "peak_rss_mb": peak_mb, "rss_mb_after_calls": checkpoints}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["throughput", "threads", "latency", "rss"])
    parser.add_argument("--client", default="truto")
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", default="sandbox-token")
    parser.add_argument("--account", default="sandbox-dixa")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--ca", help="a PEM file of roots to trust (an HTTPS sandbox's CA)")
    args = parser.parse_args()
    target = Target(args.url, args.token, args.account, json.loads(BODY_FILE.read_text()), args.ca)
    if args.mode == "throughput":
        report = asyncio.run(throughput(args, target))
    elif args.mode == "threads":
        report = threads(args, target)
    elif args.mode == "latency":
        report = latency(args, target)
    else:
        report = rss(args, target)
    json.dump(report, sys.stdout)
    print()


if __name__ == "__main__":
    main()
