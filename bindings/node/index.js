'use strict'

// The public face of the native addon: a `Client` whose methods return Promises (and
// listings, async iterables), and `TrutoError`, which the addon makes every error with.
// Everything that decides behaviour happens in Rust; this file only converts arguments
// and turns an `AbortSignal` into a cancellation. `index.d.ts` types it, and
// tests/surface.test.mjs with `tsc --checkJs` holds the two together.

const native = require('./binding.js')

const REDACTED = '[redacted]'

// What `index.d.ts` declares, which `tsc --checkJs` (tests/types) holds the classes below to.
/** @typedef {import('./index').Client} DeclaredClient */
/** @typedef {import('./index').UserList} DeclaredUserList */

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

/** An `INVALID_INPUT` error, made here as the core makes them. */
function invalidInput(field, reason) {
  const message = `${field}: ${reason}`
  return new TrutoError({ kind: 'invalid_input', field, message, display: `invalid_input: ${message}` })
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
      return invalidInput(field, `must be a finite number, not ${value}`)
    }
  }
  return null
}

/**
 * Splits a method's options into the `AbortSignal`, handled here, and the rest, which the
 * addon reads (and refuses, naming the field). Throws a `TrutoError` for a `signal` that is
 * not one, or a number that is not finite.
 */
function splitOptions(options) {
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
    return { signal: undefined, rest }
  }
  if (typeof signal.addEventListener !== 'function' || typeof signal.aborted !== 'boolean') {
    throw invalidInput('signal', 'must be an AbortSignal')
  }
  return { signal, rest }
}

/**
 * Runs `start(token)`, a native call, so that `signal` cancels it: the call's future is
 * dropped (closing its connection) and the promise rejects with `signal.reason`. An
 * already aborted signal rejects at once, and nothing is sent.
 */
async function abortable(signal, start) {
  if (signal === undefined) {
    return start(undefined)
  }
  signal.throwIfAborted()
  const token = new native.CancelToken()
  const cancel = () => token.cancel()
  signal.addEventListener('abort', cancel, { once: true })
  try {
    return await start(token)
  } catch (error) {
    if (signal.aborted) {
      throw signal.reason
    }
    throw error
  } finally {
    signal.removeEventListener('abort', cancel)
  }
}

/** `JSON.stringify(user)` when that reads as the addon's walk would, else undefined. */
function plainJsonText(user) {
  return isPlainJson(user, PLAIN_JSON_DEPTH) ? JSON.stringify(user) : undefined
}

/**
 * `createdAt` and `updatedAt` bounds with each `Date` as RFC 3339 text: the addon reads
 * options as JSON data, where a `Date` has no form of its own.
 */
function datesAsText(options) {
  if (options === null || typeof options !== 'object') {
    return options
  }
  const converted = { ...options }
  for (const key of ['createdAt', 'updatedAt']) {
    const bounds = options[key]
    if (bounds !== null && typeof bounds === 'object' && !Array.isArray(bounds)) {
      const entries = Object.entries(bounds).map(([op, at]) => [op, at instanceof Date ? dateText(at) : at])
      converted[key] = Object.fromEntries(entries)
    }
  }
  return converted
}

/** An invalid `Date` stays text the addon refuses, rather than throwing a RangeError here. */
function dateText(date) {
  return Number.isNaN(date.getTime()) ? String(date) : date.toISOString()
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

/**
 * The users of one listing (`client.listUsers`), read once, in order: `for await` over it
 * for users, `pages()` for pages, `next()` for one page, `toArray()` for all. Each
 * continues where the last stopped; a page is fetched only when it is read, and ending a
 * `for await` early (or with an error) ends the listing. Once its signal is aborted, every
 * read rejects with the signal's reason. `first()` is a listing of its own.
 * @implements {DeclaredUserList}
 */
class UserList {
  /** Starts a listing of the same options: `{ listing, signal }`. */
  #open
  /** The native listing; null once ended. */
  #listing = null
  /** @type {AbortSignal | undefined} */
  #signal
  /** Why the options were refused: every read rejects with it. */
  #refused = null
  /** The last read asked for: each read waits for it, so pages come in the order asked. */
  #reading = Promise.resolve()

  /** @param {() => { listing: import('./binding').UserListing, signal: AbortSignal | undefined }} open */
  constructor(open) {
    this.#open = open
    try {
      ;({ listing: this.#listing, signal: this.#signal } = open())
    } catch (error) {
      this.#refused = error
    }
  }

  /**
   * The next page, or `null` after the last.
   * @returns {Promise<import('./index').UserPage | null>}
   */
  next() {
    const read = this.#reading.then(() => this.#read())
    this.#reading = read.catch(() => {})
    return read
  }

  async #read() {
    if (this.#refused) {
      throw this.#refused
    }
    this.#signal?.throwIfAborted()
    const listing = this.#listing
    if (listing === null) {
      return null
    }
    const page = await abortable(this.#signal, (token) => listing.next(token))
    if (page === null) {
      this.#listing = null
    }
    return page
  }

  /** The pages, `{ users, cursor, nextCursor }`, one at a time. */
  async *pages() {
    try {
      for (let page = await this.next(); page !== null; page = await this.next()) {
        yield page
      }
    } finally {
      this.#listing = null
    }
  }

  /** The users, one at a time. */
  async *[Symbol.asyncIterator]() {
    for await (const page of this.pages()) {
      yield* page.users
    }
  }

  /** Every user left, in one array (prefer `for await` for large accounts). */
  async toArray() {
    const users = []
    for await (const page of this.pages()) {
      users.push(...page.users)
    }
    return users
  }

  /** The listing's first user, or `null` when it has none: a listing of its own. */
  async first() {
    for await (const user of new UserList(this.#open)) {
      return user
    }
    return null
  }
}

/** @implements {DeclaredClient} */
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
      let userJson
      try {
        // A throwing getter or proxy in `user` rejects, as the walk would.
        userJson = plainJsonText(user)
      } catch (error) {
        return Promise.reject(error)
      }
      return this.#native.createUser(integratedAccountId, user, userJson, options, undefined)
    }
    return this.#call(options, (rest, token) =>
      this.#native.createUser(integratedAccountId, user, plainJsonText(user), rest, token),
    )
  }

  /** Reads one user. */
  getUser(integratedAccountId, id, options) {
    return this.#call(options, (rest, token) => this.#native.getUser(integratedAccountId, id, rest, token))
  }

  /** Changes the fields given in `changes`, and resolves to the updated user. */
  updateUser(integratedAccountId, id, changes, options) {
    return this.#call(options, (rest, token) =>
      this.#native.updateUser(integratedAccountId, id, changes, plainJsonText(changes), rest, token),
    )
  }

  /** Deletes one user, and resolves to its id. */
  deleteUser(integratedAccountId, id, options) {
    return this.#call(options, (rest, token) => this.#native.deleteUser(integratedAccountId, id, rest, token))
  }

  /** The account's users, page after page through Truto's cursors, fetched as they are read. */
  listUsers(integratedAccountId, options) {
    return new UserList(() => {
      const { signal, rest } = splitOptions(options)
      return { listing: this.#native.listUsers(integratedAccountId, datesAsText(rest)), signal }
    })
  }

  /**
   * A native call with `options`: the signal is handled here, the rest converted by the
   * addon. Every refusal rejects the promise; nothing throws synchronously.
   */
  async #call(options, start) {
    const { signal, rest } = splitOptions(options)
    return abortable(signal, (token) => start(rest, token))
  }

  /**
   * Creates a user per row, paced to Truto's rate limits: `for await` it for one result per
   * row, as calls finish. `rows` is an iterable or async iterable of `[rowId, user]` pairs
   * or `{ id, user }` objects, read as the import has room for them.
   * @returns {AsyncGenerator<import('./index').BulkResult>}
   */
  async *createUsers(integratedAccountId, rows, options) {
    const { signal, rest: given } = splitOptions(options)
    const { onProgress, ...rest } = given ?? {}
    if (onProgress !== undefined && typeof onProgress !== 'function') {
      throw invalidInput('on_progress', 'must be a function')
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
          run.push(rowId, user, plainJsonText(user))
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
