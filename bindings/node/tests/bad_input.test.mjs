// Bad input, as a table: every row rejects with INVALID_INPUT naming the field, and the
// sandbox's request log proves nothing was sent. (arguments.test.mjs covers the argument
// plumbing: wrong argument types, unknown options, the signal.)

import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'

import { Client, TrutoError } from 'truto-ticketing'

import { ada, clientOptions, requests, reset, startSandbox } from './support.mjs'

const account = 'sandbox-dixa'
const TEN_MIB = 10 * 1024 * 1024
const OVER_LIMIT = 'x'.repeat(4097) // the core's limit is 4096 bytes per string

let sandbox
let client
before(async () => {
  sandbox = await startSandbox()
  client = new Client(clientOptions(sandbox))
})
beforeEach(() => reset(sandbox))
after(() => sandbox?.stop())

/** Ada with `changes` over her fields. */
const user = (changes) => ({ ...ada(), ...changes })
const email = (fields) => [{ email: 'ada@example.com', ...fields }]

const badCalls = [
  // Wrong types, and null where null cannot mean "leave it out".
  ['the account id is null', [null, ada()], 'integrated_account_id'],
  ['the account id is an object', [{ id: account }, ada()], 'integrated_account_id'],
  ['the user is null', [account, null], 'user'],
  ['the user is a number', [account, 42], 'user'],
  ['name is a BigInt', [account, user({ name: 10n })], 'name'],
  ['name is a Date', [account, user({ name: new Date(0) })], 'name'],
  ['an email is null', [account, user({ emails: [null] })], 'emails[0]'],
  ["an email's type is a number", [account, user({ emails: email({ type: 1 }) })], 'emails[0].type'],
  ['languages has a hole', [account, user({ languages: ['en', , 'fr'] })], 'languages[1]'],
  ['team_ids is a string', [account, user({ team_ids: 'team-1' })], 'team_ids'],
  ['custom_fields is an array', [account, user({ custom_fields: [] })], 'custom_fields'],
  ['a role id is a number', [account, user({ roles: [{ id: 5 }] })], 'roles[0].id'],
  ['status is a number', [account, user({ status: 0 })], 'status'],
  ['password is a number', [account, user({ password: 12345 })], 'password'],
  ['user_type is a boolean', [account, user({ user_type: true })], 'user_type'],
  // Empty and blank strings.
  ['the account id is blank', [' \t', ada()], 'integrated_account_id'],
  ['name is empty', [account, user({ name: '' })], 'name'],
  ['first_name is blank', [account, user({ first_name: '   ' })], 'first_name'],
  ['last_name is tabs and newlines', [account, user({ last_name: '\t\n' })], 'last_name'],
  ['password is empty', [account, user({ password: '' })], 'password'],
  ['emails is empty', [account, user({ emails: [] })], 'emails'],
  ['an email is empty', [account, user({ emails: [{ email: '' }] })], 'emails[0].email'],
  ['a team id is blank', [account, user({ team_ids: ['ok', ' '] })], 'team_ids[1]'],
  ['a role name is empty', [account, user({ roles: [{ name: '' }] })], 'roles[0].name'],
  // Too long.
  ['name is 10 MiB', [account, user({ name: 'x'.repeat(TEN_MIB) })], 'name'],
  ['username is one byte over the limit', [account, user({ username: OVER_LIMIT })], 'username'],
  // Control characters.
  ['the account id holds NUL', ['sandbox-dixa\u0000', ada()], 'integrated_account_id'],
  ['name holds NUL', [account, user({ name: 'Ada\u0000Lovelace' })], 'name'],
  ['first_name holds an ANSI escape', [account, user({ first_name: '\u001b[31mAda' })], 'first_name'],
  ['nick_name holds CR LF', [account, user({ nick_name: 'a\r\nb' })], 'nick_name'],
  ['username holds DEL', [account, user({ username: 'ada\u007f' })], 'username'],
  ['password holds a bell', [account, user({ password: 'pw\u0007' })], 'password'],
  // Not an email address.
  ['an email has no domain', [account, user({ emails: [{ email: 'ada@' }] })], 'emails[0].email'],
  ['an email has a space', [account, user({ emails: [{ email: 'ada lovelace@example.com' }] })], 'emails[0].email'],
  // Outside the enums.
  ['email type is work', [account, user({ emails: email({ type: 'work' }) })], 'emails[0].type'],
  ['email type is empty', [account, user({ emails: email({ type: '' }) })], 'emails[0].type'],
  ['role name is empty', [account, user({ roles: '' })], 'roles'],
  ['role name is upper case', [account, user({ roles: 'OWNER' })], 'roles'],
  ['status is upper case', [account, user({ status: 'ACTIVE' })], 'status'],
  // Not an http(s) URL.
  ['avatar is javascript', [account, user({ avatar: 'javascript:alert(1)' })], 'avatar'],
  ['avatar is a relative path', [account, user({ avatar: '/img/ada.png' })], 'avatar'],
  // Call options.
  ['a collection has no id', [account, ada(), { collections: [{}] }], 'collections[0]'],
  ['a collection is null', [account, ada(), { collections: [null] }], 'collections[0]'],
  ['a second collection id holds NUL', [account, ada(), { collections: [{ id: '1' }, { id: '2\u0000' }] }], 'collections[1].id'],
  ['an excluded field is empty', [account, ada(), { excludeFields: [''] }], 'exclude_fields[0]'],
  ['an excluded field is a number', [account, ada(), { excludeFields: [5] }], 'exclude_fields[0]'],
  ['idempotencyKey is empty', [account, ada(), { idempotencyKey: '' }], 'idempotency_key'],
  ['idempotencyKey is a number', [account, ada(), { idempotencyKey: 5 }], 'idempotency_key'],
  ['idempotencyKey is 256 characters', [account, ada(), { idempotencyKey: 'k'.repeat(256) }], 'idempotency_key'],
  ['idempotencyKey is not ASCII', [account, ada(), { idempotencyKey: 'ключ' }], 'idempotency_key'],
  ['maxRetries is 2^32', [account, ada(), { maxRetries: 2 ** 32 }], 'max_retries'],
  ['responseFormat is empty', [account, ada(), { responseFormat: '' }], 'response_format'],
  ['remoteQuery is a string', [account, ada(), { remoteQuery: 'x' }], 'remote_query'],
]

for (const [name, args, field] of badCalls) {
  test(`createUser rejects when ${name}`, async () => {
    await assert.rejects(client.createUser(...args), (error) => {
      assert.ok(error instanceof TrutoError, `not a TrutoError: ${error}`)
      assert.equal(error.code, 'INVALID_INPUT', String(error))
      assert.equal(error.field, field, String(error))
      assert.equal(error.attempts, 0)
      return true
    })
    assert.deepEqual(await requests(sandbox), [], 'something was sent')
  })
}

const badClients = [
  ['token is blank', { token: '   ' }, 'token'],
  ['token holds NUL', { token: 'tok\u0000en' }, 'token'],
  ['token is null and TRUTO_API_TOKEN unset', { token: null }, 'token'],
  ['baseUrl is empty', { baseUrl: '' }, 'base_url'],
  ['baseUrl is a number', { baseUrl: 5 }, 'base_url'],
  ['baseUrl is ftp', { baseUrl: 'ftp://api.truto.one' }, 'base_url'],
  ['baseUrl is plain http to a private address', { baseUrl: 'http://10.0.0.1:8080' }, 'base_url'],
  ['baseUrl is plain http to a localhost lookalike', { baseUrl: 'http://localhost.example.com' }, 'base_url'],
  ['baseUrl carries credentials', { baseUrl: 'https://user:pw@api.truto.one' }, 'base_url'],
  ['baseUrl has a query', { baseUrl: 'https://api.truto.one/?debug=1' }, 'base_url'],
  ['timeoutMs is negative', { timeoutMs: -1 }, 'timeout_ms'],
  ['connectTimeoutMs is zero', { connectTimeoutMs: 0 }, 'connect_timeout'],
]

for (const [name, options, field] of badClients) {
  test(`new Client throws when ${name}`, async () => {
    const saved = process.env.TRUTO_API_TOKEN
    delete process.env.TRUTO_API_TOKEN
    try {
      assert.throws(
        () => new Client(clientOptions(sandbox, options)),
        (error) => {
          assert.ok(error instanceof TrutoError, `not a TrutoError: ${error}`)
          assert.equal(error.code, 'INVALID_INPUT', String(error))
          assert.equal(error.field, field, String(error))
          return true
        },
      )
    } finally {
      if (saved !== undefined) process.env.TRUTO_API_TOKEN = saved
    }
    assert.deepEqual(await requests(sandbox), [])
  })
}

test('the request log sees what is sent', async () => {
  // The rows above are only evidence if a good call does reach the log.
  await client.createUser(account, ada())
  assert.equal((await requests(sandbox)).length, 1)
})

// JavaScript's NaN and Infinity would become JSON null on the way in, and null means
// "use the default": they are refused instead of silently replaced by 60 s.
for (const timeoutMs of [Number.NaN, Number.POSITIVE_INFINITY]) {
  test(`timeoutMs ${timeoutMs} is refused`, async () => {
    await assert.rejects(client.createUser(account, ada(), { timeoutMs }), { code: 'INVALID_INPUT', field: 'timeout_ms' })
    assert.throws(() => new Client(clientOptions(sandbox, { timeoutMs })), { code: 'INVALID_INPUT' })
  })
}
