// The Node side of `benches/run`: one measurement per process, one JSON line out.
//
//   node bench.mjs throughput --client truto|fetch|undici|socket_floor --url URL --package DIR [--concurrency 64] [--calls 10000]
//   node bench.mjs latency    --client truto|fetch|undici|socket_floor --url URL --package DIR [--calls 2000]
//
// `--package` is the truto-ticketing package folder to load (the harness stages one with
// the release addon). `--ca FILE` is an HTTPS sandbox's CA: the SDK takes it as `caCert`;
// fetch and undici trust it through NODE_EXTRA_CA_CERTS, which the harness sets. Every client does the same work: create_user on the account with
// the body of benches/body.json, an Idempotency-Key per call (the SDK always sends one),
// and the answer parsed into the user. A failed call ends the process with an error.

import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'

const USERS_PATH = '/unified/ticketing/users'
const here = path.dirname(fileURLToPath(import.meta.url))

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    client: { type: 'string', default: 'truto' },
    url: { type: 'string' },
    package: { type: 'string', default: path.join(here, '../../bindings/node') },
    token: { type: 'string', default: 'sandbox-token' },
    account: { type: 'string', default: 'sandbox-dixa' },
    concurrency: { type: 'string', default: '64' },
    calls: { type: 'string', default: '10000' },
    // V8 optimizes a client's hot code only after some thousands of calls: with 200
    // warm-up calls undici.request measured 69 µs of CPU per call, after 5,000 it runs
    // at 32 µs, and 20,000 change nothing more (docs/benchmarks.md, fourth round).
    warmup: { type: 'string', default: '5000' },
    ca: { type: 'string' },
  },
})
const mode = positionals[0]
const body = JSON.parse(readFileSync(path.join(here, '../body.json'), 'utf8'))
const calls = Number(values.calls)
const warmup = Number(values.warmup)
const endpoint = `${values.url}${USERS_PATH}?integrated_account_id=${encodeURIComponent(values.account)}`

function headers() {
  return {
    authorization: `Bearer ${values.token}`,
    accept: 'application/json',
    'content-type': 'application/json',
    'idempotency-key': randomUUID(),
  }
}

function created(status, user) {
  if ((status !== 200 && status !== 201) || typeof user.id !== 'string') {
    throw new Error(`create_user failed: ${status} ${JSON.stringify(user)}`)
  }
  return user
}

/** The measured call of each client, built once. */
async function caller(client) {
  if (client === 'truto') {
    const { Client } = createRequire(import.meta.url)(path.resolve(values.package))
    const caCert = values.ca ? readFileSync(values.ca, 'utf8') : undefined
    const truto = new Client({ token: values.token, baseUrl: values.url, caCert })
    return () => truto.createUser(values.account, body)
  }
  if (client === 'fetch') {
    return async () => {
      const response = await fetch(endpoint, { method: 'POST', headers: headers(), body: JSON.stringify(body) })
      return created(response.status, await response.json())
    }
  }
  if (client === 'undici') {
    const { Agent, request } = await import('undici')
    const dispatcher = new Agent({ keepAliveTimeout: 60_000, pipelining: 1 })
    return async () => {
      const response = await request(endpoint, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify(body),
        dispatcher,
      })
      return created(response.statusCode, await response.body.json())
    }
  }
  if (client === 'socket_floor') {
    const floor = new SocketFloor(new URL(values.url))
    return () => floor.createUser()
  }
  throw new Error(`unknown client ${client}`)
}

/**
 * Not a client anyone would use: the least a Node client whose I/O is done in JavaScript
 * can do per call, to read the others against. Keep-alive HTTP/1.1 on bare `net.Socket`s
 * (one call in flight on each), the request written as one string, the answer found by
 * its content-length and parsed with JSON.parse. No validation, no timeouts, no retries,
 * no chunked answers, no errors beyond a wrong status.
 */
class SocketFloor {
  #idle = []

  constructor(url) {
    this.host = url.hostname
    this.port = Number(url.port)
    this.target = `${USERS_PATH}?integrated_account_id=${encodeURIComponent(values.account)}`
  }

  createUser() {
    const payload = JSON.stringify(body)
    const request =
      `POST ${this.target} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n` +
      `authorization: Bearer ${values.token}\r\naccept: application/json\r\n` +
      `content-type: application/json\r\nidempotency-key: ${randomUUID()}\r\n` +
      `content-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`
    const connection = this.#idle.pop() ?? this.#connect()
    return new Promise((resolve, reject) => {
      connection.waiting = { resolve, reject }
      connection.socket.write(request)
    }).finally(() => this.#idle.push(connection))
  }

  #connect() {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true })
    const connection = { socket, waiting: null, buffered: Buffer.alloc(0) }
    socket.on('error', (error) => connection.waiting?.reject(error))
    socket.on('close', () => connection.waiting?.reject(new Error('the server closed the connection')))
    socket.on('data', (chunk) => {
      const buffered = connection.buffered.length ? Buffer.concat([connection.buffered, chunk]) : chunk
      connection.buffered = buffered
      const headEnd = buffered.indexOf('\r\n\r\n')
      if (headEnd < 0) {
        return
      }
      const head = buffered.toString('latin1', 0, headEnd)
      const bodyStart = headEnd + 4
      const bodyEnd = bodyStart + Number(/\r\ncontent-length: *(\d+)/i.exec(head)[1])
      if (buffered.length < bodyEnd) {
        return
      }
      connection.buffered = buffered.subarray(bodyEnd)
      const { resolve, reject } = connection.waiting
      connection.waiting = null
      try {
        resolve(created(Number(head.slice(9, 12)), JSON.parse(buffered.toString('utf8', bodyStart, bodyEnd))))
      } catch (error) {
        reject(error)
      }
    })
    return connection
  }
}

/** `count` calls from `concurrency` workers, each taking the next call when done. */
async function drive(call, concurrency, count) {
  let next = 0
  const worker = async () => {
    while (next < count) {
      next += 1
      await call()
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

async function main() {
  const call = await caller(values.client)
  if (mode === 'throughput') {
    const concurrency = Number(values.concurrency)
    await drive(call, concurrency, warmup)
    const started = process.hrtime.bigint()
    const cpuStarted = process.cpuUsage()
    await drive(call, concurrency, calls)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    // Every thread of the process (the addon's I/O thread, V8's helpers), calls only.
    const cpu = process.cpuUsage(cpuStarted)
    const measuredCpuSeconds = (cpu.user + cpu.system) / 1e6
    return { client: values.client, calls, warmup_calls: warmup, concurrency, seconds, rps: calls / seconds, measured_cpu_seconds: measuredCpuSeconds }
  }
  if (mode === 'latency') {
    await drive(call, 1, warmup)
    const samples = new Float64Array(calls)
    for (let index = 0; index < calls; index += 1) {
      const started = process.hrtime.bigint()
      await call()
      samples[index] = Number(process.hrtime.bigint() - started) / 1e3
    }
    samples.sort()
    const at = (quantile) => samples[Math.round((samples.length - 1) * quantile)]
    return { client: values.client, calls, p50_us: at(0.5), p99_us: at(0.99) }
  }
  throw new Error(`unknown mode ${mode} (throughput or latency)`)
}

console.log(JSON.stringify(await main()))
// The floor's sockets stay open (and referenced) after its last call.
process.exit(0)
