// Types of `truto-ticketing/testing`.

/** How to start a sandbox; every field is optional. */
export interface SandboxOptions {
  /** The token it accepts (default `'sandbox-token'`). */
  token?: string
  /** The port on 127.0.0.1 (default: any free port). */
  port?: number
  /** `false` turns off Truto's rate limits (50 per account, 500 per token, every 10 s). */
  rateLimits?: boolean
}

/**
 * A Truto-compatible server on 127.0.0.1, in this process, for testing code that
 * uses the SDK: it creates users for the integrated accounts `sandbox-dixa`,
 * `sandbox-freshchat`, `sandbox-gorgias`, ... and answers like Truto (required
 * fields, rate limits, idempotency replay).
 */
export declare class Sandbox {
  private constructor()
  /** Starts a sandbox on a free port. */
  static start(options?: SandboxOptions): Promise<Sandbox>
  /** `http://127.0.0.1:PORT`: pass it as the client's `baseUrl`. */
  readonly url: string
  /** The token it accepts: pass it as the client's `token`. */
  readonly token: string
  /** Stops serving and frees the port. Idempotent. */
  stop(): Promise<void>
  toJSON(): { url: string }
}
