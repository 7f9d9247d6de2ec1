'use strict'

// The public face of the native addon: a `Client` whose `createUser` returns a
// Promise, and `TrutoError`, rebuilt from the core's error JSON. Everything that
// decides behaviour happens in Rust; this file only converts.

const native = require('./binding.js')

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

/** The addon answers with JSON text (the user, or the raw JSON), or a Buffer for `stream`. */
function fromAnswer(answer) {
  return typeof answer === 'string' ? JSON.parse(answer) : answer
}

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

  /**
   * @param {import('./index').ClientOptions} [options]
   */
  constructor(options) {
    const refused = nonFiniteOption(options)
    if (refused) {
      throw refused
    }
    try {
      this.#native = new native.Client(options)
    } catch (error) {
      throw fromNative(error)
    }
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
  async createUser(integratedAccountId, user, options) {
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
      try {
        return fromAnswer(await this.#native.createUser(integratedAccountId, user, rest))
      } catch (error) {
        throw fromNative(error)
      }
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
      return fromAnswer(await this.#native.createUser(integratedAccountId, user, rest, token))
    } catch (error) {
      if (signal.aborted) {
        throw signal.reason
      }
      throw fromNative(error)
    } finally {
      signal.removeEventListener('abort', cancel)
    }
  }

  toJSON() {
    return { baseUrl: this.baseUrl, token: REDACTED, timeoutMs: this.timeoutMs, maxRetries: this.maxRetries }
  }

  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    return `Client ${inspect(this.toJSON(), options)}`
  }
}

module.exports = { Client, TrutoError }
