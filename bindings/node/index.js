'use strict'

// The public face of the native addon: a `Client` whose `createUser` returns a
// Promise, and `TrutoError`, rebuilt from the core's error JSON. Everything that
// decides behaviour happens in Rust; this file only converts, and picks where a call
// runs: alone in flight on this thread's event loop (`loop.js`), otherwise on the
// addon's I/O thread.

const native = require('./binding.js')
const { LoopPool } = require('./loop.js')

const ERROR_PREFIX = 'TRUTO_ERROR_JSON:'
const REDACTED = '[redacted]'

/** Every failure of the SDK. `code` is one of the core's error kinds, upper-cased. */
class TrutoError extends Error {
  constructor(detail) {
    super(detail.display || detail.message || detail.kind)
    this.name = 'TrutoError'
    this.code = String(detail.kind).toUpperCase()
    this.status = orUndefined(detail.status)
    this.field = orUndefined(detail.field)
    this.requestId = orUndefined(detail.request_id)
    this.body = orUndefined(detail.body)
    this.insight = orUndefined(detail.insight)
    this.missingRequiredFields = detail.missing_required_fields || []
    this.isRemoteError = Boolean(detail.is_remote_error)
    this.retryAfter = orUndefined(detail.retry_after)
    this.attempts = detail.attempts || 0
    this.idempotencyKey = orUndefined(detail.idempotency_key)
  }
}

function orUndefined(value) {
  return value === null ? undefined : value
}

/** Rebuilds a native error that carries core error JSON; anything else passes through. */
function fromNative(error) {
  const message = error && typeof error.message === 'string' ? error.message : ''
  if (!message.startsWith(ERROR_PREFIX)) {
    return error
  }
  const wrapped = new TrutoError(JSON.parse(message.slice(ERROR_PREFIX.length)))
  Error.captureStackTrace?.(wrapped, fromNative)
  return wrapped
}

/**
 * Settles the promises of a batch of finished calls. `batchJson` is a JSON array of
 * `[callId, kind, payload]` (see `src/completion.rs`): kind 0 an answer, 1 a core error's
 * JSON, 2 an abort, 3 the index of a `stream` body in `buffers`, 4 the message of a
 * failure inside the addon (a Rust panic).
 */
function settle(pending, batchJson, buffers) {
  for (const [callId, kind, payload] of JSON.parse(batchJson)) {
    const call = pending.get(callId)
    if (call === undefined) {
      continue
    }
    pending.delete(callId)
    if (kind === 0) {
      call.resolve(payload)
    } else if (kind === 1) {
      call.reject(trutoError(payload))
    } else if (kind === 2) {
      call.reject(new Error('aborted'))
    } else if (kind === 3) {
      call.resolve(buffers[payload])
    } else {
      call.reject(new Error(payload))
    }
  }
}

/** Settles a call `loop.js` drove from its last step: kind 0, 1 or 4 as in a batch. */
function settleDriven(step, resolve, reject) {
  const [kind, payload] = step
  if (kind === 0) {
    resolve(payload)
  } else if (kind === 1) {
    reject(trutoError(payload))
  } else {
    reject(new Error(payload))
  }
}

/**
 * Set to `false` on a client, its calls all go through the addon's I/O thread, even one
 * alone in flight (the tests run every case both ways).
 */
const DRIVE_LONE_CALLS = Symbol.for('truto-ticketing.driveLoneCalls')

function trutoError(detail) {
  const error = new TrutoError(detail)
  Error.captureStackTrace?.(error, settle)
  return error
}

/**
 * True when `JSON.stringify(value)` reads exactly what the addon would read walking it:
 * plain objects and arrays (no holes) of strings, finite numbers, booleans and null,
 * no deeper than `depth`. Anything else (a Date, a BigInt, undefined, a class instance,
 * a cycle) takes the walk, which reports it the core's way.
 */
function isPlainJson(value, depth) {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value)
    case 'object': {
      if (value === null) {
        return true
      }
      if (depth === 0) {
        return false
      }
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index += 1) {
          if (!(index in value) || !isPlainJson(value[index], depth - 1)) {
            return false
          }
        }
        return true
      }
      const prototype = Object.getPrototypeOf(value)
      if (prototype !== Object.prototype && prototype !== null) {
        return false
      }
      for (const key in value) {
        if (!Object.hasOwn(value, key) || !isPlainJson(value[key], depth - 1)) {
          return false
        }
      }
      return Object.getOwnPropertySymbols(value).length === 0
    }
    default:
      return false
  }
}

/** Nesting beyond this takes the walk (serde_json reads at most 128 levels anyway). */
const PLAIN_JSON_DEPTH = 64

/**
 * NaN and ±Infinity have no JSON form: on their way into Rust they would turn into
 * `null`, which means "not given", and the default would silently apply. They are
 * refused here instead, named the way the core names option fields.
 */
function nonFiniteOption(options) {
  if (options === null || typeof options !== 'object') {
    return null
  }
  for (const [key, value] of Object.entries(options)) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      const field = key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
      const message = `${field}: must be a finite number, not ${value}`
      return new TrutoError({ kind: 'invalid_input', field, message, display: `invalid_input: ${message}` })
    }
  }
  return null
}

class Client {
  #native
  /** The calls in flight on the I/O thread: call id → the resolve and reject of its promise. */
  #pending = new Map()
  #nextCallId = 0
  /** Where a call alone in flight is made, on this thread (`null` behind a proxy). */
  #pool = null
  /** The calls in flight in `#pool`. */
  #driving = 0

  /**
   * @param {import('./index').ClientOptions} [options]
   */
  constructor(options) {
    const refused = nonFiniteOption(options)
    if (refused) {
      throw refused
    }
    try {
      // The delivery closes over the map only, not `this`: an unreachable client can
      // still be collected while its last calls finish.
      const pending = this.#pending
      this.#native = new native.Client(options, (batchJson, buffers) => settle(pending, batchJson, buffers))
    } catch (error) {
      throw fromNative(error)
    }
    const origin = this.#native.loopOrigin()
    this.#pool = origin === null ? null : new LoopPool(this.#native, origin)
    this[DRIVE_LONE_CALLS] = true
  }

  /** The base URL requests go to. */
  get baseUrl() {
    return this.#native.baseUrl
  }

  /** The default per-attempt timeout, in milliseconds. */
  get timeoutMs() {
    return this.#native.timeoutMs
  }

  /** The default number of retries after a retryable failure. */
  get maxRetries() {
    return this.#native.maxRetries
  }

  /**
   * Creates a user in the integrated account's tool.
   * @returns {Promise<any>}
   */
  createUser(integratedAccountId, user, options) {
    // The common call, without options, goes straight to the addon: no async frame.
    if (options === undefined || options === null) {
      return this.#start(integratedAccountId, user, options, undefined, undefined)
    }
    return this.#createUserWithOptions(integratedAccountId, user, options)
  }

  async #createUserWithOptions(integratedAccountId, user, options) {
    let signal
    let rest = options
    if (options !== null && typeof options === 'object' && 'signal' in options) {
      ;({ signal, ...rest } = options)
    }
    const refused = nonFiniteOption(rest)
    if (refused) {
      throw refused
    }
    if (signal === undefined || signal === null) {
      return this.#start(integratedAccountId, user, rest, undefined, undefined)
    }
    if (typeof signal.addEventListener !== 'function' || typeof signal.aborted !== 'boolean') {
      throw new TrutoError({
        kind: 'invalid_input',
        field: 'signal',
        message: 'signal: must be an AbortSignal',
        display: 'invalid_input: signal: must be an AbortSignal',
      })
    }
    signal.throwIfAborted()
    const token = new native.CancelToken()
    const cancel = () => token.cancel()
    signal.addEventListener('abort', cancel, { once: true })
    try {
      return await this.#start(integratedAccountId, user, rest, token, signal)
    } catch (error) {
      if (signal.aborted) {
        throw signal.reason
      }
      throw error
    } finally {
      signal.removeEventListener('abort', cancel)
    }
  }

  /**
   * Starts the call: alone in flight, on this thread (`loop.js`); otherwise in the addon,
   * whose I/O thread the calls in flight share, and the promise settles when its batch
   * is delivered.
   */
  #start(integratedAccountId, user, options, token, signal) {
    return new Promise((resolve, reject) => {
      let driven = null
      const callId = this.#nextCallId
      try {
        // Inside the try: a throwing getter or proxy in `user` rejects, as the walk would.
        const userJson = isPlainJson(user, PLAIN_JSON_DEPTH) ? JSON.stringify(user) : undefined
        const alone = this.#pending.size === 0 && this.#driving === 0
        if (alone && this.#pool !== null && this[DRIVE_LONE_CALLS]) {
          driven = this.#native.driveCreateUser(integratedAccountId, user, userJson, options)
        }
        if (driven === null) {
          this.#native.createUser(callId, integratedAccountId, user, userJson, options, token)
        }
      } catch (error) {
        reject(fromNative(error))
        return
      }
      if (driven === null) {
        this.#nextCallId = (callId + 1) % 0x1_0000_0000
        this.#pending.set(callId, { resolve, reject })
        return
      }
      this.#driving += 1
      this.#pool.run(driven, signal).then(
        (step) => {
          this.#driving -= 1
          settleDriven(step, resolve, reject)
        },
        (error) => {
          this.#driving -= 1
          reject(fromNative(error))
        },
      )
    })
  }

  /** How many idle connections calls made on this thread keep (for tests). */
  get [Symbol.for('truto-ticketing.idleLoopConnections')]() {
    return this.#pool === null ? 0 : this.#pool.idleCount
  }

  toJSON() {
    return { baseUrl: this.baseUrl, token: REDACTED, timeoutMs: this.timeoutMs, maxRetries: this.maxRetries }
  }

  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    return `Client ${inspect(this.toJSON(), options)}`
  }
}

module.exports = { Client, TrutoError }
