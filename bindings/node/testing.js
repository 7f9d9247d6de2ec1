'use strict'

// `truto-ticketing/testing`: the Truto-compatible sandbox server, in-process, for
// testing code that uses this SDK without an account or a network.

const native = require('./binding.js')

class Sandbox {
  #native

  /** @private Use `Sandbox.start()`. */
  constructor(handle) {
    if (!(handle instanceof native.Sandbox)) {
      throw new TypeError('use `await Sandbox.start()` to start a sandbox')
    }
    this.#native = handle
  }

  /**
   * Starts a sandbox on a free port of 127.0.0.1.
   * @param {import('./testing').SandboxOptions} [options]
   */
  static async start(options) {
    return new Sandbox(native.Sandbox.start(options ?? undefined))
  }

  /** `http://127.0.0.1:PORT` (`https://` with `tls: true`): pass it as the client's `baseUrl`. */
  get url() {
    return this.#native.url
  }

  /** The token it accepts: pass it as the client's `token`. */
  get token() {
    return this.#native.token
  }

  /** With `tls: true`, the CA that signed its certificate: pass it as the client's `caCert`. */
  get caPem() {
    return this.#native.caPem ?? undefined
  }

  /** TCP connections accepted since the start or the last reset. */
  get connectionsAccepted() {
    return this.#native.connectionsAccepted
  }

  /** Forgets users, requests, queued faults, idempotency records and rate windows. */
  reset() {
    this.#native.reset()
  }

  /** Replaces the rate limits (`{ per_account, per_token, window_secs }`, or `null` for none). */
  setRateLimits(limits) {
    this.#native.setRateLimits(limits ?? null)
  }

  /** Queues faults for the next requests to `integratedAccountId`, one per request. */
  pushFaults(integratedAccountId, faults) {
    this.#native.pushFaults(integratedAccountId, faults)
  }

  /**
   * Stores users to list, get, update and delete: `{ integrated_account_id, users,
   * generate, template, collection }`, as `POST /_sandbox/seed` takes it. Returns how many.
   */
  seed(seed) {
    return this.#native.seed(seed)
  }

  /** The users created, oldest first, in one account or all. */
  users(integratedAccountId) {
    return this.#native.users(integratedAccountId ?? undefined)
  }

  /** The requests received on Truto's paths, oldest first. */
  requests() {
    return this.#native.requests()
  }

  /** Stops serving and frees the port. Idempotent. */
  async stop() {
    await this.#native.stop()
  }

  toJSON() {
    return { url: this.url }
  }

  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    return `Sandbox ${inspect(this.toJSON(), options)}`
  }
}

module.exports = { Sandbox }
