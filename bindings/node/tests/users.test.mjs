// listUsers, getUser, updateUser and deleteUser beyond the conformance cases: what only
// JavaScript has (async iteration, early break, AbortSignal, Date), bad arguments, secrets.

import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import { inspect } from 'node:util'

import { Client, TrutoError } from 'truto-ticketing'

import { clientOptions, startSandbox } from './support.mjs'

const account = 'sandbox-dixa'
let sandbox
let client
before(async () => {
  sandbox = await startSandbox()
  client = new Client(clientOptions(sandbox))
})
beforeEach(() => {
  sandbox.reset()
  sandbox.seed({ integrated_account_id: account, generate: 25 })
})
after(() => sandbox?.stop())

const names = (users) => users.map((user) => user.name)
const numbered = (from, to) => Array.from({ length: to - from + 1 }, (_, index) => `User ${from + index}`)
const requestCount = () => sandbox.requests().length

test('a listing sends nothing until read, and a page only when its users are reached', async () => {
  const listing = client.listUsers(account, { limit: 10 })
  assert.equal(requestCount(), 0, 'listUsers() sent a request')
  const iterator = listing[Symbol.asyncIterator]()
  for (let read = 1; read <= 10; read += 1) {
    assert.equal((await iterator.next()).value.name, `User ${read}`)
  }
  assert.equal(requestCount(), 1, 'the second page was fetched before its first user was asked for')
  assert.equal((await iterator.next()).value.name, 'User 11')
  assert.equal(requestCount(), 2)
  await iterator.return()
})

test('breaking out of for await ends the listing: nothing more is fetched', async () => {
  const listing = client.listUsers(account, { limit: 10 })
  const seen = []
  for await (const user of listing) {
    seen.push(user.name)
    if (seen.length === 3) break
  }
  assert.deepEqual(seen, numbered(1, 3))
  assert.equal(await listing.next(), null, 'the listing goes on after a break')
  assert.deepEqual(await listing.toArray(), [])
  assert.equal(requestCount(), 1)
})

test("pages() chains each page's cursor to the next, and a cursor resumes a listing", async () => {
  const pages = []
  for await (const page of client.listUsers(account, { limit: 10 }).pages()) {
    pages.push(page)
  }
  assert.deepEqual(
    pages.map((page) => page.users.length),
    [10, 10, 5],
  )
  assert.equal(pages[0].cursor, null)
  assert.equal(pages[1].cursor, pages[0].nextCursor)
  assert.equal(pages[2].cursor, pages[1].nextCursor)
  assert.equal(pages[2].nextCursor, null)
  assert.equal(typeof pages[0].nextCursor, 'string')

  const resumed = await client.listUsers(account, { limit: 10, cursor: pages[0].nextCursor }).toArray()
  assert.deepEqual(names(resumed), numbered(11, 25))
})

test('next(), pages(), for await and toArray() continue where the last stopped', async () => {
  const listing = client.listUsers(account, { limit: 10 })
  assert.deepEqual(names((await listing.next()).users), numbered(1, 10))
  for await (const second of listing.pages()) {
    assert.deepEqual(names(second.users), numbered(11, 20))
    break
  }
  assert.equal(await listing.next(), null, 'ending pages() early ends the listing')

  const rest = client.listUsers(account, { limit: 10 })
  await rest.next()
  assert.deepEqual(names(await rest.toArray()), numbered(11, 25))
  assert.equal(await rest.next(), null)
})

test('pages asked for at once come in order', async () => {
  const listing = client.listUsers(account, { limit: 10 })
  const pages = await Promise.all([listing.next(), listing.next(), listing.next(), listing.next()])
  assert.deepEqual(
    pages.map((page) => page && names(page.users)),
    [numbered(1, 10), numbered(11, 20), numbered(21, 25), null],
  )
})

test('toArray() reads every user in order; first() the first, as a listing of its own', async () => {
  const listing = client.listUsers(account, { limit: 7 })
  assert.deepEqual(names(await listing.toArray()), numbered(1, 25))
  assert.equal(requestCount(), 4)
  assert.equal((await listing.first()).name, 'User 1', 'first() after the listing was read')
  assert.equal(requestCount(), 5, 'first() reads one page')
  assert.equal(await client.listUsers('sandbox-hive').first(), null)
})

test('an aborted signal stops a listing: the page in flight is dropped, the read rejects', async () => {
  const controller = new AbortController()
  const listing = client.listUsers(account, { limit: 10, signal: controller.signal })
  const pages = listing.pages()
  await pages.next()
  sandbox.pushFaults(account, [{ delay_ms: 5000 }])
  const started = performance.now()
  setTimeout(() => controller.abort(), 200)
  await assert.rejects(pages.next(), { name: 'AbortError' })
  assert.ok(performance.now() - started < 3000, 'the abort waited for the slow page')
  assert.equal(requestCount(), 2, 'the second page had been asked for')
  await assert.rejects(listing.next(), { name: 'AbortError' })
  assert.equal(requestCount(), 2)
})

test('an already aborted signal rejects the first read, and nothing is sent', async () => {
  const reason = new Error('the user left')
  const listing = client.listUsers(account, { signal: AbortSignal.abort(reason) })
  await assert.rejects(listing.toArray(), (error) => error === reason)
  for (const call of [
    (signal) => client.getUser(account, 'u-1', { signal }),
    (signal) => client.updateUser(account, 'u-1', { name: 'Ada' }, { signal }),
    (signal) => client.deleteUser(account, 'u-1', { signal }),
  ]) {
    await assert.rejects(call(AbortSignal.abort()), { name: 'AbortError' })
  }
  assert.equal(requestCount(), 0)
})

test('aborting a slow get, update or delete rejects at once', async () => {
  const [user] = await client.listUsers(account, { limit: 1 }).next().then((page) => page.users)
  for (const call of [
    (signal) => client.getUser(account, user.id, { signal, maxRetries: 0 }),
    (signal) => client.updateUser(account, user.id, { name: 'Ada' }, { signal, maxRetries: 0 }),
    (signal) => client.deleteUser(account, user.id, { signal, maxRetries: 0 }),
  ]) {
    sandbox.pushFaults(account, [{ delay_ms: 5000 }])
    const started = performance.now()
    await assert.rejects(call(AbortSignal.timeout(150)), { name: 'TimeoutError' })
    assert.ok(performance.now() - started < 3000, 'the abort waited for the slow call')
  }
})

test('created_at and updated_at are Dates, their text kept as *_raw', async () => {
  sandbox.seed({
    integrated_account_id: 'sandbox-hive',
    users: [{ id: 'h-1', name: 'Ada', created_at: '2026-03-01T09:30:00.250+01:00', updated_at: '2026-03-02T00:00:00Z' }],
  })
  const user = await client.getUser('sandbox-hive', 'h-1')
  assert.ok(user.created_at instanceof Date)
  assert.equal(user.created_at.toISOString(), '2026-03-01T08:30:00.250Z')
  assert.equal(user.created_at_raw, '2026-03-01T09:30:00.250+01:00')
  assert.equal(user.updated_at.getTime(), Date.UTC(2026, 2, 2))
  const [listed] = await client.listUsers('sandbox-hive').toArray()
  assert.deepEqual(listed.created_at, user.created_at)
  const json = JSON.parse(JSON.stringify(user))
  assert.equal(json.created_at, '2026-03-01T08:30:00.250Z')
  assert.equal(json.created_at_raw, '2026-03-01T09:30:00.250+01:00')

  const created = await client.createUser(account, { name: 'Grace', emails: [{ email: 'grace@example.com' }] })
  assert.ok(created.created_at instanceof Date && !Number.isNaN(created.created_at.getTime()))
})

test('a date that is not RFC 3339 is null, its text kept', async () => {
  const body = JSON.stringify({ id: '7', created_at: '12/07/2026', updated_at: 'yesterday' })
  sandbox.pushFaults(account, [{ status: 200, body }])
  const user = await client.getUser(account, '7')
  assert.equal(user.created_at, null)
  assert.equal(user.created_at_raw, '12/07/2026')
  assert.equal(user.updated_at, null)
  assert.equal(user.updated_at_raw, 'yesterday')
  sandbox.pushFaults(account, [{ status: 200, body: JSON.stringify({ id: '8' }) }])
  const bare = await client.getUser(account, '8')
  assert.ok(!('created_at' in bare) && !('created_at_raw' in bare), 'a date Truto did not send appeared')
})

test('date bounds are sent as RFC 3339 in UTC', async () => {
  const since = new Date('2026-01-01T01:00:00.250+01:00')
  await client.listUsers(account, { createdAt: { gte: since }, updatedAt: { lt: new Date(Date.UTC(2030, 0, 1)) } }).next()
  const [request] = sandbox.requests()
  assert.deepEqual(
    request.query_pairs.filter(([key]) => key.includes('_at[')),
    [
      ['created_at[gte]', '2026-01-01T00:00:00.25Z'],
      ['updated_at[lt]', '2030-01-01T00:00:00Z'],
    ],
  )
})

const badCalls = [
  ['listUsers: limit is 0', () => client.listUsers(account, { limit: 0 }).next(), 'limit'],
  ['listUsers: limit is a string', () => client.listUsers(account, { limit: '10' }).toArray(), 'limit'],
  ['listUsers: limit is NaN', () => client.listUsers(account, { limit: Number.NaN }).first(), 'limit'],
  ['listUsers: an unknown option', () => client.listUsers(account, { limt: 10 }).next(), 'limt'],
  ['listUsers: a bound is not a Date', () => client.listUsers(account, { createdAt: { gte: 5 } }).next(), 'created_at.gte'],
  ['listUsers: a bound is an invalid Date', () => client.listUsers(account, { updatedAt: { lt: new Date('nope') } }).next(), 'updated_at.lt'],
  ['listUsers: an unknown bound', () => client.listUsers(account, { createdAt: { after: new Date() } }).next(), 'created_at.after'],
  ['listUsers: a sort order is not asc or desc', () => client.listUsers(account, { sortBy: { name: 'up' } }).next(), 'sort_by.name'],
  ['listUsers: emails is a string', () => client.listUsers(account, { emails: 'ada@example.com' }).next(), 'emails'],
  ['listUsers: isActive is a string', () => client.listUsers(account, { isActive: 'yes' }).next(), 'is_active'],
  ['listUsers: the account id is a number', () => client.listUsers(42).next(), 'integrated_account_id'],
  ['listUsers: the account id is empty', () => client.listUsers('').next(), 'integrated_account_id'],
  ['listUsers: a collection id is empty', () => client.listUsers(account, { collections: [{ id: '' }] }).next(), 'collections[0].id'],
  ['listUsers: the signal is not an AbortSignal', () => client.listUsers(account, { signal: 'stop' }).next(), 'signal'],
  ['getUser: the id is missing', () => client.getUser(account), 'id'],
  ['getUser: the id is a number', () => client.getUser(account, 7), 'id'],
  ['getUser: the id holds NUL', () => client.getUser(account, 'u\u00001'), 'id'],
  ['getUser: the account id is missing', () => client.getUser(undefined, 'u-1'), 'integrated_account_id'],
  ['getUser: an option of createUser', () => client.getUser(account, 'u-1', { idempotencyKey: 'k' }), 'idempotencyKey'],
  ['getUser: timeoutMs is negative', () => client.getUser(account, 'u-1', { timeoutMs: -1 }), 'timeout_ms'],
  ['updateUser: no field to change', () => client.updateUser(account, 'u-1', {}), 'changes'],
  ['updateUser: the changes are a string', () => client.updateUser(account, 'u-1', 'Ada'), 'changes'],
  ['updateUser: the changes are missing', () => client.updateUser(account, 'u-1'), 'changes'],
  ['updateUser: an email is not one', () => client.updateUser(account, 'u-1', { emails: [{ email: 'ada@' }] }), 'emails[0].email'],
  ['updateUser: an unknown field', () => client.updateUser(account, 'u-1', { nmae: 'Ada' }), 'nmae'],
  ['updateUser: idempotencyKey has spaces', () => client.updateUser(account, 'u-1', { name: 'Ada' }, { idempotencyKey: 'a b' }), 'idempotency_key'],
  ['updateUser: the id is an object', () => client.updateUser(account, { id: 'u-1' }, { name: 'Ada' }), 'id'],
  ['deleteUser: the id is blank', () => client.deleteUser(account, '  '), 'id'],
  ['deleteUser: maxRetries is a string', () => client.deleteUser(account, 'u-1', { maxRetries: '2' }), 'max_retries'],
  ['deleteUser: the options are a string', () => client.deleteUser(account, 'u-1', 'now'), 'options'],
]

for (const [name, call, field] of badCalls) {
  test(`refused before sending: ${name}`, async () => {
    await assert.rejects(call(), (error) => {
      assert.ok(error instanceof TrutoError, `not a TrutoError: ${inspect(error)}`)
      assert.equal(error.code, 'INVALID_INPUT', String(error))
      assert.equal(error.field, field, String(error))
      assert.equal(error.attempts, 0)
      return true
    })
    assert.equal(requestCount(), 0, 'something was sent')
  })
}

test('no method throws synchronously on bad arguments', () => {
  for (const pending of [client.getUser(5), client.updateUser(5), client.deleteUser(5)]) {
    assert.ok(pending instanceof Promise)
    pending.catch(() => {})
  }
  assert.doesNotThrow(() => client.listUsers(5, { limit: 'x', signal: 'no' }))
})

test('an update with a password never shows it', async () => {
  const password = 'hunter2-update-secret'
  const [user] = (await client.listUsers(account, { limit: 1 }).next()).users
  sandbox.pushFaults(account, [{ status: 400, message: `password ${password} is too weak` }])
  const echoed = await client.updateUser(account, user.id, { password }).catch((error) => error)
  assert.equal(echoed.code, 'BAD_REQUEST')
  assert.match(echoed.message, /\[redacted\]/)
  const refused = await client.updateUser(account, user.id, { password: `${password}\u0007` }).catch((error) => error)
  assert.equal(refused.code, 'INVALID_INPUT')
  assert.equal(refused.field, 'password')
  for (const error of [echoed, refused]) {
    for (const text of [inspect(error), inspect(error, { showHidden: true, depth: Infinity }), JSON.stringify(error), String(error), error.stack, error.body ?? '']) {
      assert.ok(!text.includes(password), `the password shows in: ${text}`)
    }
  }
})

test('update sends only the given fields; delete resolves to the id', async () => {
  const [user] = (await client.listUsers(account, { limit: 1 }).next()).users
  const updated = await client.updateUser(account, user.id, { name: 'Ada Lovelace' }, { idempotencyKey: 'rename-1' })
  assert.equal(updated.name, 'Ada Lovelace')
  assert.deepEqual(updated.emails, user.emails)
  const patch = sandbox.requests().at(-1)
  assert.deepEqual(patch.body, { name: 'Ada Lovelace' })
  assert.equal(patch.headers['idempotency-key'], 'rename-1')
  assert.equal(await client.deleteUser(account, user.id), user.id)
  await assert.rejects(client.getUser(account, user.id), { code: 'NOT_FOUND', status: 404 })
})
