// The token and a new user's password never show in util.inspect, JSON.stringify
// or error messages.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { after, before, beforeEach, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { inspect, promisify } from 'node:util'

import { Client, TrutoError } from 'truto-ticketing'

import { ada, clientOptions, pushFaults, reset, startSandbox } from './support.mjs'

const TOKEN = 'tok-node-secret-0001'
const PASSWORD = 'hunter2-node-secret'
const account = 'sandbox-dixa'

let sandbox
before(async () => {
  sandbox = await startSandbox()
})
beforeEach(() => reset(sandbox))
after(() => sandbox?.stop())

function everyRendering(value) {
  return [
    inspect(value),
    inspect(value, { showHidden: true, depth: Infinity, getters: true }),
    JSON.stringify(value),
    String(value),
    `${value?.stack ?? ''}`,
    `${value?.body ?? ''}`,
  ]
}

function assertHidden(value, secret) {
  for (const text of everyRendering(value)) {
    assert.ok(!text.includes(secret), `secret shown in: ${text}`)
  }
}

test('a client never shows its token', () => {
  const client = new Client(clientOptions(sandbox, { token: TOKEN }))
  assertHidden(client, TOKEN)
  assert.deepEqual(Object.keys(client), [])
  assert.match(inspect(client), /\[redacted\]/)
  assert.match(JSON.stringify(client), /\[redacted\]/)
})

test('a refused token is not echoed', async () => {
  const client = new Client(clientOptions(sandbox, { token: TOKEN }))
  const error = await client.createUser(account, ada()).catch((caught) => caught)
  assert.ok(error instanceof TrutoError)
  assert.equal(error.code, 'AUTHENTICATION')
  assertHidden(error, TOKEN)
})

test('a token refused by the client builder is not echoed', () => {
  for (const token of [`${TOKEN} with spaces`, `${TOKEN}\u0007`]) {
    const error = (() => {
      try {
        return new Client(clientOptions(sandbox, { token }))
      } catch (caught) {
        return caught
      }
    })()
    assert.equal(error.code, 'INVALID_INPUT')
    assertHidden(error, TOKEN)
  }
})

test('a password echoed by the server is redacted', async () => {
  const client = new Client(clientOptions(sandbox))
  await pushFaults(sandbox, account, [{ status: 400, message: `password ${PASSWORD} is too weak` }])
  const error = await client.createUser(account, { ...ada(), password: PASSWORD }).catch((caught) => caught)
  assert.equal(error.code, 'BAD_REQUEST')
  assert.match(error.message, /\[redacted\]/)
  assertHidden(error, PASSWORD)
})

test('a refused password is not echoed', async () => {
  const client = new Client(clientOptions(sandbox))
  const error = await client
    .createUser(account, { ...ada(), password: `${PASSWORD}\u0000` })
    .catch((caught) => caught)
  assert.equal(error.code, 'INVALID_INPUT')
  assert.equal(error.field, 'password')
  assertHidden(error, PASSWORD)
})

const CODES = [
  'INVALID_INPUT', 'BAD_REQUEST', 'AUTHENTICATION', 'PERMISSION_DENIED', 'NOT_FOUND', 'METHOD_NOT_ALLOWED',
  'CONFLICT', 'UNPROCESSABLE', 'RATE_LIMITED', 'SERVER', 'TIMEOUT', 'CONNECTION', 'DECODE',
]

test('every error kind and the TRUTO_LOG=debug log hide both secrets', async () => {
  // The log is installed when the addon loads, so it takes a fresh process.
  const child = fileURLToPath(new URL('./fixtures/force-every-error.mjs', import.meta.url))
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [child, TOKEN, PASSWORD], {
    env: { ...process.env, TRUTO_LOG: 'debug' },
    timeout: 60_000,
  })
  const rendered = JSON.parse(stdout)
  assert.deepEqual(new Set(rendered.map((entry) => entry.code).filter(Boolean)), new Set(CODES))
  for (const { code, texts } of rendered) {
    for (const text of texts) {
      for (const secret of [TOKEN, PASSWORD]) {
        assert.ok(!text.includes(secret), `${code} shows a secret: ${text}`)
      }
    }
  }
  // Where the server echoed the secrets, the error says so rather than dropping the text.
  const badRequest = rendered.find((entry) => entry.code === 'BAD_REQUEST')
  assert.match(badRequest.texts[3], /token \[redacted\] cannot set password \[redacted\]/)

  for (const secret of [TOKEN, PASSWORD]) {
    assert.ok(!stderr.includes(secret), `the log shows a secret:\n${stderr}`)
  }
  // A decode error follows an attempt that succeeded; every other kind is an attempt's outcome.
  for (const code of CODES.filter((code) => code !== 'INVALID_INPUT' && code !== 'DECODE')) {
    assert.ok(stderr.includes(`outcome="${code.toLowerCase()}"`), `no ${code} attempt logged:\n${stderr}`)
  }
  assert.match(stderr, /retrying truto request/)
})
