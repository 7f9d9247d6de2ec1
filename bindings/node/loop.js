'use strict'

// Calls made on Node's own event loop: the TCP side of the core's driven calls.
//
// `Client` normally hands a call to the addon's I/O thread and is woken when it ends.
// For a call alone in flight, those two hand-offs between threads are most of the
// latency the SDK adds, so such a call is made here instead: Node opens the connections
// and moves their bytes; the core (`LoopCall`, `LoopConnection`) writes the request,
// runs TLS, reads the answer and decides on retries, exactly as on its own thread.

const net = require('node:net')

/** Idle connections older than this are closed rather than reused (as in the core's own pool). */
const IDLE_MS = 90_000
/** The kind of a `LoopCall` step that asks for another attempt after a wait. */
const RETRY = 5

/** One pooled TCP connection; the core reads its bytes. */
class Connection {
  constructor(socket, wire) {
    this.socket = socket
    this.wire = wire
    /** Called once the attempt in flight is over: `null`, or what broke the connection. */
    this.onEnd = null
    this.lost = false
    this.error = null
    this.idleSince = 0
    socket.on('data', (data) => {
      let done
      try {
        done = this.wire.receive(data)
        this.flush()
      } catch (error) {
        // A failure inside the addon (a Rust panic, thrown here by `catch_unwind`) must
        // end the attempt, not escape from a socket event as an uncaught exception.
        this.error = error.message
        socket.destroy()
        return
      }
      if (done) {
        this.end(null)
      }
    })
    socket.on('error', (error) => {
      this.error = error.message
    })
    socket.on('close', () => {
      this.lost = true
      const done = this.wire.closed(this.error ?? undefined)
      this.end(done ? null : this.error ?? 'the server closed the connection')
    })
  }

  flush() {
    const out = this.wire.outgoing()
    if (out !== null && !this.lost) {
      this.socket.write(out)
    }
  }

  end(failure) {
    const onEnd = this.onEnd
    if (onEnd !== null) {
      this.onEnd = null
      onEnd(failure)
    }
  }

  close() {
    this.socket.destroy()
  }
}

/** The connections of one client, and the attempts made on them. */
class LoopPool {
  #native
  #host
  #port
  #connectTimeoutMs
  #idle = []
  /** While connections are idle: closes those idle for `IDLE_MS` (it keeps no process alive). */
  #sweeper = null

  constructor(native, origin) {
    this.#native = native
    this.#host = origin.host
    this.#port = origin.port
    this.#connectTimeoutMs = origin.connectTimeoutMs
  }

  /**
   * Makes the call's attempts until the core says it is over; resolves with the last
   * step, `[kind, payload]` as in a delivered batch. Rejects with `Error('aborted')`
   * when `signal` aborts.
   */
  async run(call, signal) {
    for (;;) {
      const step = JSON.parse(await this.#attempt(call, signal))
      if (step[0] !== RETRY) {
        return step
      }
      await wait(step[1], signal)
    }
  }

  #attempt(call, signal) {
    call.beginAttempt()
    return new Promise((resolve, reject) => {
      let connection = this.#takeIdle()
      let connecting = connection === null
      let over = false
      const finish = (step, keep) => {
        if (over) {
          return
        }
        over = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', abort)
        if (connection !== null) {
          connection.onEnd = null
          if (keep && connection.wire.reusable && !connection.lost) {
            connection.idleSince = Date.now()
            connection.socket.unref()
            this.#idle.push(connection)
            this.#sweeper ??= setInterval(() => this.#sweep(), IDLE_MS / 3).unref()
          } else {
            connection.close()
          }
        }
        try {
          resolve(step())
        } catch (error) {
          reject(error)
        }
      }
      const timer = setTimeout(() => finish(() => call.finishTimedOut(false), false), call.timeoutMs)
      const abort = () => {
        finish(() => {
          throw new Error('aborted')
        }, false)
      }
      signal?.addEventListener('abort', abort, { once: true })
      const send = () => {
        connection.onEnd = (failure) => {
          if (failure === null) {
            finish(() => call.finish(connection.wire), true)
          } else {
            finish(() => call.finishFailed(`the connection broke: ${failure}`), false)
          }
        }
        try {
          connection.socket.write(call.send(connection.wire))
        } catch (error) {
          finish(() => {
            throw error
          }, false)
        }
      }
      if (!connecting) {
        connection.socket.ref()
        send()
        return
      }
      let wire
      try {
        wire = this.#native.loopConnection()
      } catch (error) {
        finish(() => {
          throw error
        }, false)
        return
      }
      const socket = net.createConnection({ host: this.#host, port: this.#port, noDelay: true })
      connection = new Connection(socket, wire)
      const connectTimer = setTimeout(() => {
        if (connecting) {
          finish(() => call.finishTimedOut(true), false)
        }
      }, Math.min(this.#connectTimeoutMs, call.timeoutMs))
      connection.onEnd = (failure) => {
        clearTimeout(connectTimer)
        finish(() => call.finishFailed(`could not connect to ${this.#host}:${this.#port}: ${failure}`), false)
      }
      socket.once('connect', () => {
        clearTimeout(connectTimer)
        connecting = false
        connection.flush()
        send()
      })
    })
  }

  #takeIdle() {
    const now = Date.now()
    while (this.#idle.length > 0) {
      const connection = this.#idle.pop()
      if (!connection.lost && connection.wire.reusable && now - connection.idleSince < IDLE_MS) {
        return connection
      }
      connection.close()
    }
    return null
  }

  #sweep() {
    const now = Date.now()
    const stale = (connection) => connection.lost || now - connection.idleSince >= IDLE_MS
    for (const connection of this.#idle.filter(stale)) {
      connection.close()
    }
    this.#idle = this.#idle.filter((connection) => !stale(connection))
    if (this.#idle.length === 0) {
      clearInterval(this.#sweeper)
      this.#sweeper = null
    }
  }

  /** The idle connections (for tests). */
  get idleCount() {
    return this.#idle.length
  }
}

function wait(milliseconds, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort)
      resolve()
    }, milliseconds)
    const abort = () => {
      clearTimeout(timer)
      reject(new Error('aborted'))
    }
    signal?.addEventListener('abort', abort, { once: true })
  })
}

module.exports = { LoopPool }
