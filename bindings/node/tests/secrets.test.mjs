// The token and a new user's password never show in util.inspect, JSON.stringify
// or error messages.

import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import { inspect } from 'node:util'

import { Client, TrutoError } from 'truto-ticketing'

import { ada, pushFaults, reset, startSandbox } from './support.mjs'

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
  const client = new Client({ token: TOKEN, baseUrl: sandbox.url })
  assertHidden(client, TOKEN)
  assert.deepEqual(Object.keys(client), [])
  assert.match(inspect(client), /\[redacted\]/)
  assert.match(JSON.stringify(client), /\[redacted\]/)
})

test('a refused token is not echoed', async () => {
  const client = new Client({ token: TOKEN, baseUrl: sandbox.url })
  const error = await client.createUser(account, ada()).catch((caught) => caught)
  assert.ok(error instanceof TrutoError)
  assert.equal(error.code, 'AUTHENTICATION')
  assertHidden(error, TOKEN)
})

test('a token refused by the client builder is not echoed', () => {
  for (const token of [`${TOKEN} with spaces`, `${TOKEN}\u0007`]) {
    const error = (() => {
      try {
        return new Client({ token, baseUrl: sandbox.url })
      } catch (caught) {
        return caught
      }
    })()
    assert.equal(error.code, 'INVALID_INPUT')
    assertHidden(error, TOKEN)
  }
})

test('a password echoed by the server is redacted', async () => {
  const client = new Client({ token: sandbox.token, baseUrl: sandbox.url })
  await pushFaults(sandbox, account, [{ status: 400, message: `password ${PASSWORD} is too weak` }])
  const error = await client.createUser(account, { ...ada(), password: PASSWORD }).catch((caught) => caught)
  assert.equal(error.code, 'BAD_REQUEST')
  assert.match(error.message, /\[redacted\]/)
  assertHidden(error, PASSWORD)
})

test('a refused password is not echoed', async () => {
  const client = new Client({ token: sandbox.token, baseUrl: sandbox.url })
  const error = await client
    .createUser(account, { ...ada(), password: `${PASSWORD}\u0000` })
    .catch((caught) => caught)
  assert.equal(error.code, 'INVALID_INPUT')
  assert.equal(error.field, 'password')
  assertHidden(error, PASSWORD)
})
