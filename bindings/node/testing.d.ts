// Types of `truto-ticketing/testing`.

/** How to start a sandbox; every field is optional. */
export interface SandboxOptions {
  /** The token it accepts (default `'sandbox-token'`). */
  token?: string
  /** The port on 127.0.0.1 (default: any free port). */
  port?: number
  /** `false` turns off Truto's rate limits (50 per account, 500 per token, every 10 s). */
  rateLimits?: boolean
  /** `true` serves HTTPS with a CA made at start (`caPem`). */
  tls?: boolean
  /** Milliseconds added to every create, as a provider's round trip would be. */
  latencyMs?: number
}

/** Users to store in an account, as `POST /_sandbox/seed` takes them. */
export interface Seed {
  integrated_account_id: string
  /** Users one by one: a create body's fields, and `id`, `is_active`, `created_at`, `updated_at`, `etag` if fixed. */
  users?: object[]
  /** Then this many more, made from `template` (`{n}` in its strings is each user's number). */
  generate?: number
  /** Default: `{ name: 'User {n}', emails: [{ email: 'user{n}@example.com', type: 'primary' }] }`. */
  template?: object
  /** A collection (Pivotal Tracker project) id every user of this seed belongs to. */
  collection?: string
}

/** A user the sandbox created. */
export interface StoredUser {
  integrated_account_id: string
  idempotency_key: string | null
  user: any
}

/** A request the sandbox received on Truto's paths. */
export interface LoggedRequest {
  method: string
  path: string
  query: string
  query_pairs: [string, string][]
  headers: Record<string, string>
  body: any
  status: number | null
  [key: string]: unknown
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
  /** `http://127.0.0.1:PORT` (`https://` with `tls: true`): pass it as the client's `baseUrl`. */
  readonly url: string
  /** The token it accepts: pass it as the client's `token`. */
  readonly token: string
  /** With `tls: true`, the CA that signed its certificate: pass it as the client's `caCert`. */
  readonly caPem: string | undefined
  /** TCP connections accepted since the start or the last reset. */
  readonly connectionsAccepted: number
  /** Forgets users, requests, queued faults, idempotency records and rate windows. */
  reset(): void
  /** Replaces the rate limits, every window afresh; `null` for none. */
  setRateLimits(limits: { per_account: number; per_token: number; window_secs: number } | null): void
  /** Queues faults (as `POST /_sandbox/faults` takes them) for the next requests to the account. */
  pushFaults(integratedAccountId: string, faults: object[]): void
  /** Stores users to list, get, update and delete; returns how many. */
  seed(seed: Seed): number
  /** The users created, oldest first, in one account or all. */
  users(integratedAccountId?: string): StoredUser[]
  /** The requests received on Truto's paths, oldest first. */
  requests(): LoggedRequest[]
  /** Stops serving and frees the port. Idempotent. */
  stop(): Promise<void>
  toJSON(): { url: string }
}
