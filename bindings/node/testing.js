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

  /** `http://127.0.0.1:PORT`: pass it as the client's `baseUrl`. */
  get url() {
    return this.#native.url
  }

  /** The token it accepts: pass it as the client's `token`. */
  get token() {
    return this.#native.token
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
