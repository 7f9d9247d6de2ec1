// Calls made on the event loop's own thread (`loop.js`). The conformance cases run
// through it; these tests check what is particular to it: which calls take it, that
// they send what the I/O thread sends, and that its pooled connections survive a
// server that closes them.

import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { after, before, beforeEach, test } from 'node:test'

import { Client } from 'truto-ticketing'

import { ada, requests, reset, startSandbox, storedUsers } from './support.mjs'

const DRIVE_LONE_CALLS = Symbol.for('truto-ticketing.driveLoneCalls')
const IDLE_LOOP_CONNECTIONS = Symbol.for('truto-ticketing.idleLoopConnections')
const account = 'sandbox-dixa'

let sandbox
before(async () => {
  sandbox = await startSandbox()
})
beforeEach(() => reset(sandbox))
after(() => sandbox?.stop())

test('a lone call runs on the loop and overlapping calls on the I/O thread', async () => {
  const client = new Client({ token: sandbox.token, baseUrl: sandbox.url })
  const first = await client.createUser(account, ada())
  assert.equal(client[IDLE_LOOP_CONNECTIONS], 1, 'the lone call keeps its connection')
  const second = await client.createUser(account, ada())
  assert.equal(client[IDLE_LOOP_CONNECTIONS], 1, 'and the next lone call reuses it')
  assert.notEqual(first.id, second.id)

  const many = await Promise.all(Array.from({ length: 20 }, () => client.createUser(account, ada())))
  assert.equal(new Set(many.map((user) => user.id)).size, 20)
  // Only the first of the overlapping calls was alone in flight.
  assert.equal(client[IDLE_LOOP_CONNECTIONS], 1)
  assert.equal((await storedUsers(sandbox, account)).length, 22)
})

test('both ways send the same request', async () => {
  const user = {
    ...ada(),
    first_name: 'Ada',
    roles: [{ name: 'agent' }],
    remote_data: { nested: { list: [1, 2.5, null, 'é'] } },
    password: 'correct horse battery',
  }
  const options = { idempotencyKey: 'key-1', excludeFields: ['avatar'], remoteQuery: { a: [1] } }
  const seen = []
  for (const driveLoneCalls of [true, false]) {
    await reset(sandbox)
    const client = new Client({ token: sandbox.token, baseUrl: sandbox.url })
    client[DRIVE_LONE_CALLS] = driveLoneCalls
    await client.createUser(account, user, options)
    const { method, path, query_pairs, headers, body } = (await requests(sandbox)).at(-1)
    seen.push({ method, path, query_pairs, headers, body })
  }
  assert.deepEqual(seen[0], seen[1])
})

test('a pooled connection the server closed is not reused', async () => {
  // Answers each connection's first request with a created user (keep-alive), then
  // closes it: a server whose idle timeout is very short.
  let connections = 0
  const server = createServer((socket) => {
    connections += 1
    const id = connections
    let received = ''
    socket.on('data', (data) => {
      received += data.toString('latin1')
      const end = received.indexOf('\r\n\r\n')
      const length = Number(/content-length: *(\d+)/i.exec(received)?.[1] ?? 0)
      if (end >= 0 && received.length >= end + 4 + length) {
        const body = JSON.stringify({ id: `u-${id}`, name: 'Ada Lovelace' })
        socket.end(
          `HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
        )
      }
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    const client = new Client({
      token: 'tok-closing-0001',
      baseUrl: `http://127.0.0.1:${server.address().port}`,
      maxRetries: 0,
    })
    const ids = []
    for (let call = 0; call < 3; call += 1) {
      ids.push((await client.createUser(account, ada())).id)
      await new Promise((resolve) => setTimeout(resolve, 100)) // the server closes it meanwhile
    }
    assert.deepEqual(ids, ['u-1', 'u-2', 'u-3'])
    assert.equal(connections, 3)
  } finally {
    server.close()
  }
})
