// Shared by the test files: a running sandbox and its admin endpoints.
//
// The sandbox is the package's own in-process one (`truto-ticketing/testing`), or
// the `truto-sandbox` binary when TRUTO_SANDBOX_BIN names it (its first stdout line
// is `listening on http://127.0.0.1:PORT`; closing its stdin stops it).

import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'

import { Sandbox } from 'truto-ticketing/testing'

export const SANDBOX_TOKEN = 'sandbox-token'

/** Starts a sandbox; `rateLimits: false` turns Truto's rate limits off. */
export async function startSandbox({ rateLimits = true } = {}) {
  const binary = process.env.TRUTO_SANDBOX_BIN
  if (!binary) {
    return Sandbox.start({ rateLimits })
  }
  const args = rateLimits ? [] : ['--no-rate-limits']
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })
  const [first] = await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`${binary} exited with ${code} before listening`)
    }),
  ])
  const url = first.replace(/^listening on /, '').trim()
  return {
    url,
    token: SANDBOX_TOKEN,
    async stop() {
      child.stdin.end()
      if (child.exitCode === null) await once(child, 'exit')
    },
  }
}

async function admin(sandbox, method, path, body) {
  const response = await fetch(`${sandbox.url}/_sandbox/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!response.ok) {
    throw new Error(`${method} /_sandbox/${path}: ${response.status} ${await response.text()}`)
  }
  const text = await response.text()
  return text ? JSON.parse(text) : null
}

export const reset = (sandbox) => admin(sandbox, 'POST', 'reset')
export const pushFaults = (sandbox, account, faults) =>
  admin(sandbox, 'POST', 'faults', { integrated_account_id: account, faults })
export const requests = (sandbox) => admin(sandbox, 'GET', 'requests')
export const storedUsers = (sandbox, account) =>
  admin(sandbox, 'GET', `users?integrated_account_id=${encodeURIComponent(account)}`)

export const ada = () => ({
  name: 'Ada Lovelace',
  emails: [{ email: 'ada@example.com', type: 'primary' }],
})
