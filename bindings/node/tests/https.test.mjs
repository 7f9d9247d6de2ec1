// Calls over HTTPS: a 5 MiB body goes out and comes back whole, calls share one
// kept-alive connection, and a server whose CA the client was not given is refused.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { Client } from 'truto-ticketing'

import { ada, clientOptions, requests, startSandbox } from './support.mjs'

const account = 'sandbox-dixa'
let sandbox
before(async () => {
  sandbox = await startSandbox()
})
after(() => sandbox?.stop())

test('a 5 MiB remote_data over HTTPS', async () => {
  sandbox.reset()
  assert.match(sandbox.url, /^https:/)
  const note = Array.from({ length: 5 * 1024 * 1024 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('')
  const client = new Client(clientOptions(sandbox, { timeoutMs: 30_000 }))
  const user = await client.createUser(account, { ...ada(), remote_data: { note } })
  assert.equal(user.remote_data.note.length, note.length)
  assert.ok(user.remote_data.note === note, 'the body arrived whole and unchanged')
  assert.equal((await requests(sandbox)).length, 1, 'one attempt')
})

test('calls one after another share one connection', async () => {
  sandbox.reset()
  const client = new Client(clientOptions(sandbox))
  for (let index = 0; index < 3; index += 1) {
    await client.createUser(account, ada())
  }
  assert.equal(sandbox.connectionsAccepted, 1)
})

test('a server whose CA was not given is refused before anything is sent', async () => {
  sandbox.reset()
  const client = new Client({ token: sandbox.token, baseUrl: sandbox.url, maxRetries: 0 })
  await assert.rejects(client.createUser(account, ada()), (error) => {
    assert.equal(error.code, 'CONNECTION')
    assert.match(error.message, /certificate/i)
    return true
  })
  assert.equal((await requests(sandbox)).length, 0)
})

test('caCert must hold a PEM certificate', () => {
  assert.throws(() => new Client(clientOptions(sandbox, { caCert: 'not a certificate' })), {
    code: 'INVALID_INPUT',
    field: 'ca_cert',
  })
})
