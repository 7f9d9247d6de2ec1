'use strict'

// The public face of the native addon: a `Client` whose `createUser` returns a
// Promise, and `TrutoError`, which the addon makes every error with. Everything that
// decides behaviour happens in Rust; this file only converts arguments.

const native = require('./binding.js')

const REDACTED = '[redacted]'

/**
 * Every failure of the SDK. `code` is one of the core's error kinds, upper-cased.
 * `detail` is the core error's JSON form (`Error::to_json`), made by the addon.
 */
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

/** A row as `[rowId, user]` or `{ id, user }`; the id as a string. */
function rowParts(row) {
  if (Array.isArray(row) && row.length === 2) {
    return [String(row[0]), row[1]]
  }
  if (row !== null && typeof row === 'object' && 'id' in row && 'user' in row) {
    return [String(row.id), row.user]
  }
  throw new TypeError('createUsers() takes each row as [rowId, user] or { id, user }')
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
    this.#native = new native.Client(options, TrutoError)
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
      return this.#start(integratedAccountId, user, options, undefined)
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
      return this.#start(integratedAccountId, user, rest, undefined)
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
      return await this.#start(integratedAccountId, user, rest, token)
    } catch (error) {
      if (signal.aborted) {
        throw signal.reason
      }
      throw error
    } finally {
      signal.removeEventListener('abort', cancel)
    }
  }

  #start(integratedAccountId, user, options, token) {
    let userJson
    try {
      // A throwing getter or proxy in `user` rejects, as the walk would.
      userJson = isPlainJson(user, PLAIN_JSON_DEPTH) ? JSON.stringify(user) : undefined
    } catch (error) {
      return Promise.reject(error)
    }
    return this.#native.createUser(integratedAccountId, user, userJson, options, token)
  }

  /**
   * Creates a user per row, paced to Truto's rate limits: `for await` it for one result per
   * row, as calls finish. `rows` is an iterable or async iterable of `[rowId, user]` pairs
   * or `{ id, user }` objects, read as the import has room for them.
   * @returns {AsyncGenerator<import('./index').BulkResult>}
   */
  async *createUsers(integratedAccountId, rows, options) {
    const { signal, onProgress, ...rest } = options ?? {}
    const refused = nonFiniteOption(rest)
    if (refused) {
      throw refused
    }
    if (onProgress !== undefined && typeof onProgress !== 'function') {
      throw new TrutoError({
        kind: 'invalid_input',
        field: 'on_progress',
        message: 'on_progress: must be a function',
        display: 'invalid_input: on_progress: must be a function',
      })
    }
    signal?.throwIfAborted()
    const source = rows?.[Symbol.asyncIterator]?.() ?? rows?.[Symbol.iterator]?.()
    if (source === undefined) {
      throw new TypeError('createUsers() takes the rows as an iterable or async iterable')
    }
    const run = this.#native.createUsers(integratedAccountId, rest)
    const cancel = () => run.cancel()
    signal?.addEventListener('abort', cancel, { once: true })
    let exhausted = false
    try {
      for (;;) {
        while (!exhausted && run.room() > 0) {
          const next = await source.next()
          if (next.done) {
            exhausted = true
            run.end()
            break
          }
          const [rowId, user] = rowParts(next.value)
          run.push(rowId, user, isPlainJson(user, PLAIN_JSON_DEPTH) ? JSON.stringify(user) : undefined)
        }
        const result = await run.next()
        signal?.throwIfAborted()
        if (result === null) {
          return
        }
        onProgress?.(result.progress)
        yield result
      }
    } finally {
      signal?.removeEventListener('abort', cancel)
      run.cancel()
      if (!exhausted) {
        await source.return?.()
      }
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
