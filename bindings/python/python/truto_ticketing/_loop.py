"""Calls made on the event loop's own thread: the TCP side of the core's driven calls.

``AsyncClient`` normally hands a call to the SDK's I/O thread and is woken when it
ends. For a call alone in flight, those two hand-offs between threads are most of the
latency the SDK adds, so such a call is made here instead: asyncio opens the connections
and moves their bytes; the core (``LoopCall``, ``LoopConnection``) writes the request,
runs TLS, reads the answer and decides on retries, exactly as it does on its own thread.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any, List, Optional, Tuple

from ._native import LoopCall, LoopConnection, NativeAsyncClient

__all__ = ["LoopPool"]

# Idle connections older than this are closed rather than reused (as in the core's own pool).
_IDLE_SECONDS = 90.0
_TIMED_OUT = object()


class _Connection(asyncio.Protocol):
    """One pooled TCP connection; the core reads its bytes."""

    __slots__ = ("wire", "loop", "transport", "waiter", "lost", "idle_since")

    def __init__(self, wire: LoopConnection, loop: asyncio.AbstractEventLoop) -> None:
        self.wire = wire
        self.loop = loop
        self.transport: Any = None
        # The future of the attempt in flight, set when its answer is complete.
        self.waiter: Optional[asyncio.Future[Any]] = None
        self.lost = False
        self.idle_since = 0.0

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self._flush()

    def data_received(self, data: bytes) -> None:
        done = self.wire.receive(data)
        self._flush()
        if done:
            self._wake(None)

    def eof_received(self) -> bool:
        return False  # close our side too; connection_lost follows

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        self.lost = True
        if self.wire.closed(None if exc is None else str(exc) or type(exc).__name__):
            self._wake(None)
        else:
            self._wake(exc or ConnectionResetError("the server closed the connection"))

    def _flush(self) -> None:
        out = self.wire.outgoing()
        if out is not None and not self.lost:
            self.transport.write(out)

    def _wake(self, failure: Optional[BaseException]) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(failure)

    def close(self) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if self.loop.is_closed():
            # The client outlived this connection's loop (it is used under another
            # `asyncio.run`): the transport can no longer close itself, so at least end
            # the TCP connection; the descriptor goes when the transport is collected.
            sock = transport.get_extra_info("socket")
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            return
        transport.abort()


def _expire(waiter: asyncio.Future[Any]) -> None:
    if not waiter.done():
        waiter.set_result(_TIMED_OUT)


class LoopPool:
    """The connections of one client on one event loop, and the attempts made on them."""

    __slots__ = ("_loop", "_native", "_host", "_port", "_connect_timeout", "_idle", "_sweeper")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        native: NativeAsyncClient,
        origin: Tuple[str, int, float],
    ) -> None:
        self._loop = loop
        self._native = native
        self._host, self._port, self._connect_timeout = origin
        self._idle: List[_Connection] = []
        # While connections are idle: closes those idle for `_IDLE_SECONDS`.
        self._sweeper: Optional[asyncio.TimerHandle] = None

    async def run(self, call: LoopCall) -> Any:
        """Makes the call's attempts until the core says it is over."""
        while True:
            done, value = await self._attempt(call)
            if done:
                return value
            await asyncio.sleep(value)

    async def _attempt(self, call: LoopCall) -> Tuple[bool, Any]:
        loop = self._loop
        call.begin_attempt()
        deadline = loop.time() + call.timeout
        connection = self._take_idle(loop.time())
        if connection is None:
            try:
                connection = await self._connect(deadline)
            except asyncio.TimeoutError:
                connecting = loop.time() < deadline
                return call.finish_timed_out(connecting)
            except OSError as error:
                return call.finish_failed(f"could not connect to {self._host}:{self._port}: {error}")
        waiter = loop.create_future()
        connection.waiter = waiter
        timer = loop.call_at(deadline, _expire, waiter)
        try:
            connection.transport.write(call.send(connection.wire))
            failure = await waiter
        except BaseException:
            # Cancelled mid-answer: the connection cannot carry another call.
            connection.close()
            raise
        finally:
            timer.cancel()
            connection.waiter = None
        if failure is _TIMED_OUT:
            connection.close()
            return call.finish_timed_out(False)
        if failure is not None:
            connection.close()
            return call.finish_failed(f"the connection broke: {failure}")
        if connection.wire.reusable and not connection.lost:
            connection.idle_since = loop.time()
            self._idle.append(connection)
            if self._sweeper is None:
                self._sweeper = loop.call_later(_IDLE_SECONDS / 3, self._sweep)
        else:
            connection.close()
        return call.finish(connection.wire)

    def _take_idle(self, now: float) -> Optional[_Connection]:
        idle = self._idle
        while idle:
            connection = idle.pop()
            if not connection.lost and connection.wire.reusable and now - connection.idle_since < _IDLE_SECONDS:
                return connection
            connection.close()
        return None

    def _sweep(self) -> None:
        now = self._loop.time()
        fresh = []
        for connection in self._idle:
            if connection.lost or now - connection.idle_since >= _IDLE_SECONDS:
                connection.close()
            else:
                fresh.append(connection)
        self._idle = fresh
        self._sweeper = self._loop.call_later(_IDLE_SECONDS / 3, self._sweep) if fresh else None

    async def _connect(self, deadline: float) -> _Connection:
        loop = self._loop
        timeout = min(self._connect_timeout, deadline - loop.time())
        wire = self._native.loop_connection()
        _transport, connection = await asyncio.wait_for(
            loop.create_connection(lambda: _Connection(wire, loop), self._host, self._port),
            timeout,
        )
        return connection

    def close(self) -> None:
        """Closes the idle connections."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        for connection in self._idle:
            connection.close()
        self._idle.clear()
