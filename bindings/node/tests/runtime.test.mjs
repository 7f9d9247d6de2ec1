// The runtime promises: the event loop never blocks, thousands of concurrent calls
// work, the process exits by itself, worker threads each use their own client, a
// Rust panic rejects instead of killing the process, and the results have the
// types the README promises.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { after, before, beforeEach, test } from 'node:test'
import { Worker } from 'node:worker_threads'

import { Client } from 'truto-ticketing'

import { ada, clientOptions, pushFaults, requests, reset, startSandbox, storedUsers } from './support.mjs'

const require = createRequire(import.meta.url)
const packageDir = new URL('..', import.meta.url)
const account = 'sandbox-dixa'
const entry = require.resolve('truto-ticketing')

let sandbox
let client
before(async () => {
  sandbox = await startSandbox({ rateLimits: false })
  client = new Client(clientOptions(sandbox))
})
beforeEach(() => reset(sandbox))
after(() => sandbox?.stop())

/** Runs a script in a fresh Node process; resolves to its exit code, output and run time. */
async function runNode(args, { env = {}, timeoutMs = 20_000 } = {}) {
  const started = performance.now()
  const child = spawn(process.execPath, args, {
    cwd: packageDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const [code, signal] = await once(child, 'exit')
  clearTimeout(killer)
  return { code, signal, stdout, stderr, elapsed: performance.now() - started }
}

test('a slow call does not block the event loop', async () => {
  await pushFaults(sandbox, account, [{ delay_ms: 1000 }])
  let ticks = 0
  const timer = setInterval(() => (ticks += 1), 10)
  try {
    await client.createUser(account, ada())
  } finally {
    clearInterval(timer)
  }
  assert.ok(ticks >= 30, `the timer fired only ${ticks} times during a 1 s call`)
})

test('two thousand concurrent calls all succeed', async () => {
  const count = 2000
  const users = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      client.createUser(account, { name: `User ${index}`, emails: [{ email: `user${index}@example.com` }] }),
    ),
  )
  assert.equal(new Set(users.map((user) => user.id)).size, count)
  users.forEach((user, index) => assert.equal(user.name, `User ${index}`))
  assert.equal((await storedUsers(sandbox, account)).length, count)
})

test('results have the documented types', async () => {
  const user = await client.createUser(account, ada())
  assert.equal(typeof user.id, 'string')
  assert.equal(Object.getPrototypeOf(user), Object.prototype, 'a plain object')
  assert.equal(Object.getPrototypeOf(user.remote_data), Object.prototype, 'remote_data is an object')
  assert.ok(Array.isArray(user.emails) && Array.isArray(user.roles) && Array.isArray(user.team_ids))

  const raw = await client.createUser(account, ada(), { responseFormat: 'raw' })
  assert.equal(Object.getPrototypeOf(raw), Object.prototype)
  const normalized = await client.createUser(account, ada(), { responseFormat: 'normalized' })
  assert.equal(normalized.name, 'Ada Lovelace')
  const streamed = await client.createUser(account, ada(), { responseFormat: 'stream' })
  assert.ok(Buffer.isBuffer(streamed))
  assert.equal(JSON.parse(streamed.toString('utf8')).name, 'Ada Lovelace')
})

test('requests carry a User-Agent naming the SDK and Node', async () => {
  await client.createUser(account, ada())
  const [request] = await requests(sandbox)
  assert.match(request.headers['user-agent'], new RegExp(`^truto-ticketing/\\S+ node/${process.versions.node}$`))
})

test('client settings are readable', () => {
  const configured = new Client({ token: 'tok-1234', baseUrl: `${sandbox.url}/`, timeoutMs: 1500, maxRetries: 5 })
  assert.equal(configured.baseUrl, sandbox.url)
  assert.equal(configured.timeoutMs, 1500)
  assert.equal(configured.maxRetries, 5)
})

const exitScript = (stop) => `
  const { Client } = require('truto-ticketing')
  const { Sandbox } = require('truto-ticketing/testing')
  ;(async () => {
    const sandbox = await Sandbox.start({ tls: true })
    const client = new Client({ token: sandbox.token, baseUrl: sandbox.url, caCert: sandbox.caPem })
    const user = await client.createUser('sandbox-dixa', { name: 'Ada', emails: [{ email: 'ada@example.com' }] })
    ${stop ? 'await sandbox.stop()' : ''}
    console.log('created ' + user.id)
  })()
`

for (const stop of [true, false]) {
  test(`the process exits by itself when its work is done (sandbox ${stop ? 'stopped' : 'left running'})`, async () => {
    const run = await runNode(['-e', exitScript(stop)])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^created \S+/)
    assert.ok(run.elapsed < 10_000, `took ${run.elapsed} ms`)
  })
}

test('the process also exits by itself after an ES module import and a failed call', async () => {
  const script = `
    import { Client } from 'truto-ticketing'
    const client = new Client({ token: 'tok-1234', baseUrl: 'http://127.0.0.1:9', maxRetries: 0 })
    const error = await client.createUser('sandbox-dixa', { name: 'Ada' }).catch((caught) => caught)
    console.log(error.code)
  `
  const run = await runNode(['--input-type=module', '-e', script])
  assert.equal(run.code, 0, run.stderr)
  assert.equal(run.stdout.trim(), 'CONNECTION')
})

test('TRUTO_LOG=debug prints the core events to stderr', async () => {
  const script = `
    const { Client } = require('truto-ticketing')
    new Client({ token: 'tok-1234', baseUrl: 'http://127.0.0.1:9', maxRetries: 0 })
      .createUser('sandbox-dixa', { name: 'Ada' })
      .catch(() => {})
  `
  const run = await runNode(['-e', script], { env: { TRUTO_LOG: 'debug' } })
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stderr, /truto_ticketing/)
  assert.ok(!run.stderr.includes('tok-1234'), run.stderr)
})

test('TRUTO_API_TOKEN and TRUTO_BASE_URL configure a client made without options', async () => {
  const plain = await startSandbox({ tls: false })
  after(() => plain.stop())
  const script = `
    const { Client } = require('truto-ticketing')
    new Client().createUser('sandbox-dixa', { name: 'Ada', emails: [{ email: 'ada@example.com' }] })
      .then((user) => console.log(user.name))
  `
  const run = await runNode(['-e', script], {
    env: { TRUTO_API_TOKEN: plain.token, TRUTO_BASE_URL: plain.url },
  })
  assert.equal(run.code, 0, run.stderr)
  assert.equal(run.stdout.trim(), 'Ada')
})

const workerScript = `
  const { parentPort, workerData } = require('node:worker_threads')
  const { Client } = require(workerData.entry)
  const client = new Client({ token: workerData.token, baseUrl: workerData.url, caCert: workerData.caCert })
  Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      client.createUser('sandbox-dixa', {
        name: 'Worker ' + workerData.id + ' user ' + index,
        emails: [{ email: 'w' + workerData.id + '-' + index + '@example.com' }],
      }),
    ),
  ).then(
    (users) => parentPort.postMessage(users.map((user) => user.id)),
    (error) => parentPort.postMessage({ error: String(error) }),
  )
`

test('each worker thread uses its own client', async () => {
  const workers = [1, 2, 3].map(
    (id) =>
      new Worker(workerScript, {
        eval: true,
        workerData: { id, url: sandbox.url, token: sandbox.token, caCert: sandbox.caPem, entry },
      }),
  )
  // Listen before anything is awaited: a fast worker may be gone by then.
  const messages = workers.map((worker) => once(worker, 'message'))
  const exited = workers.map((worker) => once(worker, 'exit'))
  const mainUser = await client.createUser(account, ada())
  const results = (await Promise.all(messages)).map(([message]) => message)
  for (const result of results) {
    assert.ok(Array.isArray(result), JSON.stringify(result))
    assert.equal(result.length, 20)
  }
  const exits = await Promise.all(exited)
  assert.deepEqual(
    exits.map(([code]) => code),
    [0, 0, 0],
  )
  assert.ok(mainUser.id)
  // The main thread's client still works once every worker is gone.
  assert.equal((await client.createUser(account, ada())).name, 'Ada Lovelace')
  assert.equal((await storedUsers(sandbox, account)).length, 62)
})

test('terminating a worker in the middle of a call leaves the process healthy', async () => {
  await pushFaults(sandbox, account, [{ delay_ms: 3000 }])
  const worker = new Worker(
    `
      const { parentPort, workerData } = require('node:worker_threads')
      const { Client } = require(workerData.entry)
      const client = new Client({ token: workerData.token, baseUrl: workerData.url, caCert: workerData.caCert })
      parentPort.postMessage('calling')
      client.createUser('sandbox-dixa', { name: 'Slow', emails: [{ email: 'slow@example.com' }] })
    `,
    { eval: true, workerData: { url: sandbox.url, token: sandbox.token, caCert: sandbox.caPem, entry } },
  )
  await once(worker, 'message')
  await new Promise((resolve) => setTimeout(resolve, 200))
  await worker.terminate()
  assert.equal((await client.createUser(account, ada())).name, 'Ada Lovelace')
})

const native = require('../binding.js')
const hooks = typeof native.panicSyncForTesting === 'function'

test('a Rust panic in a call rejects the promise instead of ending the process', { skip: !hooks && 'built without the test-hooks feature' }, async () => {
  // The native client, under the public one.
  const nativeClient = new native.Client(clientOptions(sandbox), Error)
  await assert.rejects(nativeClient.panicInCallForTesting(), /a Rust panic: a deliberate panic/)
  assert.throws(() => native.panicSyncForTesting(), /deliberate panic/)
  assert.equal((await client.createUser(account, ada())).name, 'Ada Lovelace')
})
