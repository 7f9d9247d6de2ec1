// Runs every conformance case (tests/conformance/cases/*.json) through the Node
// package, against the sandbox over HTTPS and over plain HTTP. The format is in
// tests/conformance/README.md; the Rust runner (tests/conformance/rust/main.rs) is the
// model.

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import { inspect } from 'node:util'

import { Client, TrutoError } from 'truto-ticketing'

import { pushFaults, requests, reset, startSandbox, storedUsers } from './support.mjs'

// TRUTO_CONFORMANCE_DIR points elsewhere (scripts/registry-check runs a copy of this file
// against the package installed from a registry).
const casesDir = process.env.TRUTO_CONFORMANCE_DIR
  ? `${process.env.TRUTO_CONFORMANCE_DIR}/`
  : fileURLToPath(new URL('../../../tests/conformance/cases/', import.meta.url))
const caseFiles = readdirSync(casesDir)
  .filter((name) => name.endsWith('.json'))
  .sort()
assert.ok(caseFiles.length > 0, `no conformance cases in ${casesDir}`)

// One sandbox per scheme serves every case and each case resets it: node:test runs the
// tests of a file one after another.
const sandboxes = {}
let sandbox
before(async () => {
  sandboxes.https = await startSandbox()
  sandboxes.http = await startSandbox({ tls: false })
})
after(async () => {
  await sandboxes.https?.stop()
  await sandboxes.http?.stop()
})

for (const scheme of ['https', 'http']) {
  for (const file of caseFiles) {
    const testCase = JSON.parse(readFileSync(casesDir + file, 'utf8'))
    test(`${scheme}: ${file.replace(/\.json$/, '')}`, () => {
      sandbox = sandboxes[scheme]
      return runCase(testCase)
    })
  }
}

// The bulk cases (tests/conformance/bulk), through createUsers, over HTTPS.
const bulkDir = `${casesDir}../bulk/`
const bulkFiles = readdirSync(bulkDir)
  .filter((name) => name.endsWith('.json'))
  .sort()
for (const file of bulkFiles) {
  const bulkCase = JSON.parse(readFileSync(bulkDir + file, 'utf8'))
  test(`https: bulk/${file.replace(/\.json$/, '')}`, () => {
    sandbox = sandboxes.https
    return runBulkCase(bulkCase)
  })
}

function fill(template, n) {
  if (typeof template === 'string') return template.replaceAll('{n}', n)
  if (Array.isArray(template)) return template.map((item) => fill(item, n))
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, fill(value, n)]))
  }
  return template
}

/** The rows a bulk case describes, as `[id, user]` pairs. */
function bulkRows(spec) {
  if (!Array.isArray(spec)) {
    return Array.from({ length: spec.generate }, (_, index) => [String(index + 1), fill(spec.user, String(index + 1))])
  }
  return spec.map((row) => [row.id, row.user])
}

async function runBulkCase(bulkCase) {
  const { bulk, expect } = bulkCase
  sandbox.reset()
  sandbox.setRateLimits(bulkCase.rate_limits ?? null)
  if (bulkCase.faults) {
    sandbox.pushFaults(bulk.integrated_account_id, bulkCase.faults)
  }
  const client = new Client({ token: sandbox.token, baseUrl: sandbox.url, caCert: sandbox.caPem })
  const options = {}
  if (bulk.options?.concurrency !== undefined) options.concurrency = bulk.options.concurrency
  if (bulk.options?.max_retries !== undefined) options.maxRetries = bulk.options.max_retries
  const started = performance.now()
  let results = []
  for (let run = 0; run < (bulk.runs ?? 1); run += 1) {
    results = []
    for await (const result of client.createUsers(bulk.integrated_account_id, bulkRows(bulk.rows), options)) {
      results.push(result)
    }
  }
  const elapsed = performance.now() - started
  const rowIds = bulkRows(bulk.rows).map(([id]) => id).sort()
  assert.deepEqual(results.map((result) => result.rowId).sort(), rowIds, 'one result per row')
  const figures = {
    created: results.filter((result) => !result.error && !result.replayed).length,
    replayed: results.filter((result) => !result.error && result.replayed).length,
    failed: results.filter((result) => result.error).length,
  }
  for (const key of ['created', 'replayed', 'failed']) {
    if (expect[key] !== undefined) assert.equal(figures[key], expect[key], `${key} (${JSON.stringify(figures)})`)
  }
  for (const [rowId, kind] of Object.entries(expect.failed_rows ?? {})) {
    const result = results.find((candidate) => candidate.rowId === rowId)
    assert.ok(result.error instanceof TrutoError, `row ${rowId} was created`)
    assert.equal(result.error.code, kind.toUpperCase(), `row ${rowId}`)
  }
  const rateLimited = results.reduce((sum, result) => sum + result.rateLimitedResponses, 0)
  if (expect.max_rate_limited_responses !== undefined) {
    assert.ok(rateLimited <= expect.max_rate_limited_responses, `${rateLimited} responses were 429`)
  }
  if (expect.min_elapsed_ms !== undefined) assert.ok(elapsed >= expect.min_elapsed_ms, `took ${elapsed} ms`)
  if (expect.max_elapsed_ms !== undefined) assert.ok(elapsed <= expect.max_elapsed_ms, `took ${elapsed} ms`)
  const seen = sandbox.requests().length
  const expected = bulkCase.sandbox ?? {}
  if (expected.requests !== undefined) assert.equal(seen, expected.requests, 'requests the sandbox saw')
  if (expected.max_requests !== undefined) assert.ok(seen <= expected.max_requests, `the sandbox saw ${seen} requests`)
  if (expected.users_stored !== undefined) {
    assert.equal(sandbox.users(bulk.integrated_account_id).length, expected.users_stored, 'users stored')
  }
  sandbox.setRateLimits({ per_account: 50, per_token: 500, window_secs: 10 })
}

async function runCase(testCase) {
  await reset(sandbox)
  const account = testCase.call.integrated_account_id ?? ''
  for (const seed of [testCase.seed ?? []].flat()) {
    sandbox.seed(seed)
  }
  if (testCase.faults) {
    await pushFaults(sandbox, account, testCase.faults)
  }
  const client = buildClient(testCase.client ?? {})
  for (const call of testCase.before ?? []) {
    await makeCall(client, call)
  }
  const repeat = testCase.repeat ?? 1
  const started = performance.now()
  const outcomes = []
  for (let index = 0; index < repeat; index += 1) {
    outcomes.push(await makeCall(client, testCase.call))
  }
  const elapsed = performance.now() - started

  const expect = testCase.expect
  checkOutcome(expect, outcomes.at(-1))
  if (expect.min_elapsed_ms !== undefined) {
    assert.ok(elapsed >= expect.min_elapsed_ms, `took ${elapsed} ms, expected at least ${expect.min_elapsed_ms}`)
  }
  if (expect.max_elapsed_ms !== undefined) {
    assert.ok(elapsed <= expect.max_elapsed_ms, `took ${elapsed} ms, expected at most ${expect.max_elapsed_ms}`)
  }
  if (expect.same_user_each_call) {
    const ids = outcomes.map((outcome) => (outcome.error ? String(outcome.error) : outcome.value.id))
    assert.ok(
      ids.every((id) => id === ids[0]),
      `calls returned different users: ${ids}`,
    )
  }
  if (testCase.sandbox) {
    await checkSandbox(account, testCase.sandbox)
  }
}

/** The client the case describes, or the error building it gave. */
function buildClient(settings) {
  const options = {
    token: settings.token ?? sandbox.token,
    baseUrl: settings.base_url ?? sandbox.url,
    caCert: sandbox.caPem,
  }
  if (settings.max_retries !== undefined) options.maxRetries = settings.max_retries
  if (settings.timeout_ms !== undefined) options.timeoutMs = settings.timeout_ms
  try {
    return new Client(options)
  } catch (error) {
    return error
  }
}

/** Makes one call; the outcome is `{ value, shape }` (`pageSizes` for a listing) or `{ error }`. */
async function makeCall(client, call) {
  if (client instanceof Error) {
    return { error: client }
  }
  const options = callOptions(call.options ?? {})
  const account = call.integrated_account_id
  try {
    switch (call.method ?? 'create') {
      case 'create': {
        const value = await client.createUser(account, call.user, options)
        if (Buffer.isBuffer(value)) {
          return { value: parseJsonOrNull(value.toString('utf8')), shape: 'bytes' }
        }
        const json = options.responseFormat === 'raw' || options.responseFormat === 'normalized'
        return json ? { value, shape: 'json' } : { value: wireForm(value), shape: 'user' }
      }
      case 'list':
        return await list(client, call, options)
      case 'get':
        return { value: wireForm(await client.getUser(account, call.id, options)), shape: 'user' }
      case 'update':
        return { value: wireForm(await client.updateUser(account, call.id, call.user, options)), shape: 'user' }
      case 'delete':
        return { value: await client.deleteUser(account, call.id, options), shape: 'deleted' }
      default:
        throw new Error(`the runner has no method ${call.method}`)
    }
  } catch (error) {
    return { error }
  }
}

/** A case's options as the methods take them: camelCase, dates as `Date`s, `sort_by` as an object. */
function callOptions(given) {
  const options = {}
  for (const [key, value] of Object.entries(given)) {
    options[camelCase(key)] = value
  }
  for (const key of ['createdAt', 'updatedAt']) {
    if (options[key]) {
      options[key] = Object.fromEntries(Object.entries(options[key]).map(([op, at]) => [op, new Date(at)]))
    }
  }
  if (options.sortBy) {
    options.sortBy = Object.fromEntries(options.sortBy.map(({ field, order }) => [field, order]))
  }
  return options
}

/**
 * `list`: every page (or the first `pages`, read with `next()`); with `resume`, the rest
 * from the last page's `nextCursor`, through a new listing's `pages()`.
 */
async function list(client, call, options) {
  const listing = client.listUsers(call.integrated_account_id, options)
  const pages = []
  let page
  while ((call.pages === undefined || pages.length < call.pages) && (page = await listing.next()) !== null) {
    pages.push(page)
  }
  const cursor = pages.at(-1)?.nextCursor
  if (call.resume && cursor) {
    for await (const resumed of client.listUsers(call.integrated_account_id, { ...options, cursor }).pages()) {
      pages.push(resumed)
    }
  }
  const users = pages.flatMap((read) => read.users.map(wireForm))
  return { value: users, shape: 'users', pageSizes: pages.map((read) => read.users.length) }
}

/** A user as Truto sent it: the dates as their text. */
function wireForm(user) {
  const { created_at_raw: createdAt, updated_at_raw: updatedAt, ...fields } = user
  if ('created_at' in fields) fields.created_at = createdAt
  if ('updated_at' in fields) fields.updated_at = updatedAt
  return fields
}

function checkOutcome(expect, outcome) {
  if (outcome.error) {
    assert.equal(expect.result, 'error', `expected a ${expect.result}, got error: ${outcome.error}`)
    checkError(expect, outcome.error)
    return
  }
  assert.notEqual(expect.result, 'error', `expected an error, got ${JSON.stringify(outcome.value)}`)
  assert.equal(outcome.shape, expect.result)
  const value = outcome.value
  if (outcome.shape === 'users') {
    if (expect.count !== undefined) assert.equal(value.length, expect.count, 'users listed')
    if (expect.user_names !== undefined) assert.deepEqual(value.map((user) => user.name), expect.user_names)
    if (expect.page_sizes !== undefined) assert.deepEqual(outcome.pageSizes, expect.page_sizes, 'page sizes')
    if (expect.users !== undefined) matchesSubset(expect.users, value, '$')
    return
  }
  if (expect.deleted_id !== undefined) assert.equal(value, expect.deleted_id, 'the id deleteUser answered')
  for (const [subsetKey, hasKey, lacksKey] of [
    ['user', 'user_has', 'user_lacks'],
    ['json', 'json_has', 'json_lacks'],
    ['bytes_json', null, null],
  ]) {
    if (expect[subsetKey] !== undefined) {
      matchesSubset(expect[subsetKey], value, '$')
    }
    for (const key of expect[hasKey] ?? []) {
      assert.ok(value[key] !== undefined && value[key] !== null, `result lacks \`${key}\`: ${JSON.stringify(value)}`)
    }
    for (const key of expect[lacksKey] ?? []) {
      assert.ok(value[key] === undefined || value[key] === null, `result has \`${key}\`: ${JSON.stringify(value)}`)
    }
  }
}

function checkError(expect, error) {
  const wanted = expect.error
  const shown = `${error} / ${inspect(error)}`
  assert.ok(error instanceof TrutoError, `not a TrutoError: ${shown}`)
  assert.equal(error.code, wanted.kind.toUpperCase(), `wrong kind: ${shown}`)
  if ('status' in wanted) assert.equal(error.status ?? null, wanted.status, `wrong status: ${shown}`)
  if ('field' in wanted) assert.equal(error.field ?? null, wanted.field, `wrong field: ${shown}`)
  if ('attempts' in wanted) assert.equal(error.attempts, wanted.attempts, `wrong attempts: ${shown}`)
  if ('missing_required_fields' in wanted) {
    assert.deepEqual(error.missingRequiredFields, wanted.missing_required_fields, `wrong missing fields: ${shown}`)
  }
  if ('retry_after_s' in wanted) {
    const seconds = error.retryAfter === undefined ? null : Math.floor(error.retryAfter)
    assert.equal(seconds, wanted.retry_after_s, `wrong retry_after: ${shown}`)
  }
  if ('is_remote_error' in wanted) {
    assert.equal(error.isRemoteError, wanted.is_remote_error, `wrong remote flag: ${shown}`)
  }
  if (wanted.message_contains !== undefined) {
    assert.ok(error.message.includes(wanted.message_contains), `message lacks \`${wanted.message_contains}\`: ${shown}`)
  }
  if (wanted.has_request_id) {
    assert.ok(error.requestId, `no request id: ${shown}`)
  }
  for (const secret of expect.secrets_absent ?? []) {
    for (const text of [shown, error.message, String(error), JSON.stringify(error), error.body ?? '', error.stack]) {
      assert.ok(!text.includes(secret), `secret leaked: ${text}`)
    }
  }
}

async function checkSandbox(account, expected) {
  const seen = await requests(sandbox)
  if (expected.requests !== undefined) {
    assert.equal(seen.length, expected.requests, `sandbox saw ${seen.length} requests, expected ${expected.requests}`)
  }
  if (expected.users_stored !== undefined) {
    const users = await storedUsers(sandbox, account)
    assert.equal(users.length, expected.users_stored, `sandbox stored ${users.length} users`)
  }
  if (expected.last_request) {
    const last = seen.at(-1)
    assert.ok(last, 'the sandbox saw no request')
    for (const key of ['method', 'path', 'query_pairs', 'body']) {
      if (key in expected.last_request) {
        assert.deepEqual(last[key], expected.last_request[key], `last request ${key}`)
      }
    }
    if (expected.last_request.headers) {
      matchesSubset(expected.last_request.headers, last.headers, 'headers')
    }
  }
  if (expected.idempotency_key === 'uuid4') {
    const key = seen.at(-1)?.headers?.['idempotency-key']
    assert.match(String(key), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i)
  } else if (expected.idempotency_key === 'same') {
    const keys = seen.map((request) => request.headers['idempotency-key'])
    assert.ok(typeof keys[0] === 'string' && keys[0] !== '', `no idempotency key: ${keys}`)
    assert.ok(
      keys.every((key) => key === keys[0]),
      `idempotency keys differ: ${keys}`,
    )
  }
}

/** Objects match key by key (extra keys allowed), arrays element by element, scalars by equality. */
function matchesSubset(expected, actual, at) {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
    assert.equal(actual.length, expected.length, `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
    expected.forEach((item, index) => matchesSubset(item, actual[index], `${at}[${index}]`))
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${at}: expected an object, got ${JSON.stringify(actual)}`)
    for (const [key, value] of Object.entries(expected)) {
      matchesSubset(value, actual[key] ?? null, `${at}.${key}`)
    }
  } else {
    assert.equal(actual, expected, `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
}

function camelCase(snake) {
  return snake.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase())
}

function parseJsonOrNull(text) {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
