// Shared by the test files: a running sandbox (the package's own, in-process:
// `truto-ticketing/testing`), its controls, and the user most tests create.
//
// Sandboxes serve HTTPS by default, as every real call is: clients trust their CA
// through `caCert`.

import { Sandbox } from 'truto-ticketing/testing'

/** Starts a sandbox; `rateLimits: false` turns Truto's rate limits off, `tls: false` serves plain HTTP. */
export function startSandbox({ rateLimits = true, tls = true } = {}) {
  return Sandbox.start({ rateLimits, tls })
}

/** The options of a client of `sandbox`, plus `extra`. */
export function clientOptions(sandbox, extra = {}) {
  return { token: sandbox.token, baseUrl: sandbox.url, caCert: sandbox.caPem, ...extra }
}

export const reset = async (sandbox) => sandbox.reset()
export const pushFaults = async (sandbox, account, faults) => sandbox.pushFaults(account, faults)
export const requests = async (sandbox) => sandbox.requests()
export const storedUsers = async (sandbox, account) => sandbox.users(account)

export const ada = () => ({
  name: 'Ada Lovelace',
  emails: [{ email: 'ada@example.com', type: 'primary' }],
})
