// An AbortSignal cancels a call: the promise rejects with `signal.reason`, the
// request is dropped, and nothing is sent when the signal was aborted already.

import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { after, before, beforeEach, test } from 'node:test'

import { Client } from 'truto-ticketing'

import { ada, clientOptions, pushFaults, requests, reset, startSandbox } from './support.mjs'

const account = 'sandbox-dixa'
let sandbox
before(async () => {
  sandbox = await startSandbox()
})
beforeEach(() => reset(sandbox))
after(() => sandbox?.stop())

const connect = () => new Client(clientOptions(sandbox))

test(`an already aborted signal rejects with its reason and sends nothing`, async () => {
  const client = connect()
  const reason = new Error('the user left')
  await assert.rejects(client.createUser(account, ada(), { signal: AbortSignal.abort(reason) }), (error) => {
    assert.equal(error, reason)
    return true
  })
  await assert.rejects(client.createUser(account, ada(), { signal: AbortSignal.abort() }), { name: 'AbortError' })
  assert.equal((await requests(sandbox)).length, 0)
})

test(`aborting during a slow call rejects at once`, async () => {
  const client = connect()
  await pushFaults(sandbox, account, [{ delay_ms: 5000 }])
  const controller = new AbortController()
  const started = performance.now()
  const pending = client.createUser(account, ada(), { signal: controller.signal, maxRetries: 0 })
  setTimeout(() => controller.abort(), 200)
  await assert.rejects(pending, { name: 'AbortError' })
  const elapsed = performance.now() - started
  assert.ok(elapsed < 3000, `took ${elapsed} ms to abort`)
  assert.equal((await requests(sandbox)).length, 1, 'the request had been sent')
})

test(`AbortSignal.timeout rejects with a TimeoutError`, async () => {
  const client = connect()
  await pushFaults(sandbox, account, [{ delay_ms: 5000 }])
  await assert.rejects(client.createUser(account, ada(), { signal: AbortSignal.timeout(150) }), {
    name: 'TimeoutError',
  })
})

test(`one signal cancels every call it was given`, async () => {
  const client = connect()
  await pushFaults(sandbox, account, [{ delay_ms: 5000 }, { delay_ms: 5000 }, { delay_ms: 5000 }])
  const controller = new AbortController()
  const calls = [1, 2, 3].map(() => client.createUser(account, ada(), { signal: controller.signal }))
  setTimeout(() => controller.abort(new Error('shutting down')), 100)
  const results = await Promise.allSettled(calls)
  assert.deepEqual(
    results.map((result) => [result.status, result.reason?.message]),
    [
      ['rejected', 'shutting down'],
      ['rejected', 'shutting down'],
      ['rejected', 'shutting down'],
    ],
  )
})

test(`a signal that never fires changes nothing and is let go`, async () => {
  const client = connect()
  const controller = new AbortController()
  const user = await client.createUser(account, ada(), { signal: controller.signal })
  assert.equal(user.name, 'Ada Lovelace')
  await assert.rejects(client.createUser(account, { name: 'Nobody' }, { signal: controller.signal }), {
    code: 'BAD_REQUEST',
  })
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0)
  controller.abort()
})
