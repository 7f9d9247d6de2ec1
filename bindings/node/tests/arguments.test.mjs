// Wrong argument types, a missing account id or an unknown role reject with
// INVALID_INPUT naming the field, and nothing is sent.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { Client, TrutoError } from 'truto-ticketing'

import { ada, clientOptions, requests, reset, startSandbox } from './support.mjs'

let sandbox
let client
before(async () => {
  sandbox = await startSandbox()
  client = new Client(clientOptions(sandbox))
  await reset(sandbox)
})
after(() => sandbox?.stop())

const account = 'sandbox-dixa'
const fn = () => 'not data'

const badCalls = [
  ['the account id is a number', [42, ada()], 'integrated_account_id'],
  ['the account id is missing', [undefined, ada()], 'integrated_account_id'],
  ['the account id is empty', ['', ada()], 'integrated_account_id'],
  ['the user is missing', [account], 'user'],
  ['the user is a string', [account, 'Ada Lovelace'], 'user'],
  ['name is a number', [account, { ...ada(), name: 5 }], 'name'],
  ['emails is an object', [account, { ...ada(), emails: { email: 'ada@example.com' } }], 'emails'],
  ['an email is a number', [account, { ...ada(), emails: [{ email: 5 }] }], 'emails[0].email'],
  ['languages holds a number', [account, { ...ada(), languages: ['en', 7] }], 'languages[1]'],
  ['remote_data is a string', [account, { ...ada(), remote_data: 'x' }], 'remote_data'],
  ['the user holds a function', [account, { ...ada(), name: fn }], 'user'],
  ['an unknown role name', [account, { ...ada(), roles: 'admin' }], 'roles'],
  ['a role without id or name', [account, { ...ada(), roles: [{}] }], 'roles[0]'],
  ['an unknown status', [account, { ...ada(), status: 'suspended' }], 'status'],
  ['the options are a string', [account, ada(), 'fast'], 'options'],
  ['maxRetries is a string', [account, ada(), { maxRetries: '3' }], 'max_retries'],
  ['maxRetries is negative', [account, ada(), { maxRetries: -1 }], 'max_retries'],
  ['timeoutMs is negative', [account, ada(), { timeoutMs: -5 }], 'timeout_ms'],
  ['timeoutMs is zero', [account, ada(), { timeoutMs: 0 }], 'timeout'],
  ['timeoutMs is not a number', [account, ada(), { timeoutMs: '1s' }], 'timeout_ms'],
  ['ignoreRemoteData is a string', [account, ada(), { ignoreRemoteData: 'yes' }], 'ignore_remote_data'],
  ['excludeFields is a string', [account, ada(), { excludeFields: 'etag' }], 'exclude_fields'],
  ['a collection id is a number', [account, ada(), { collections: [{ id: 5 }] }], 'collections[0].id'],
  ['a collection id is empty', [account, ada(), { collections: [{ id: '' }] }], 'collections[0].id'],
  ['remoteQuery is an array', [account, ada(), { remoteQuery: [1, 2] }], 'remote_query'],
  ['responseFormat is unknown', [account, ada(), { responseFormat: 'xml' }], 'response_format'],
  ['responseFormat is a number', [account, ada(), { responseFormat: 1 }], 'response_format'],
  ['idempotencyKey has spaces', [account, ada(), { idempotencyKey: 'a b' }], 'idempotency_key'],
  ['signal is not an AbortSignal', [account, ada(), { signal: 'stop' }], 'signal'],
]

for (const [name, args, field] of badCalls) {
  test(`rejects when ${name}`, async () => {
    const pending = client.createUser(...args)
    assert.ok(pending instanceof Promise, 'createUser never throws synchronously')
    await assert.rejects(pending, (error) => {
      assert.ok(error instanceof TrutoError, `not a TrutoError: ${error}`)
      assert.equal(error.code, 'INVALID_INPUT', String(error))
      assert.equal(error.field, field, String(error))
      assert.equal(error.attempts, 0)
      assert.equal(error.status, undefined)
      assert.ok(error.message.includes(field), error.message)
      return true
    })
  })
}

test('an unknown option is refused and named as the caller spelled it', async () => {
  await assert.rejects(client.createUser(account, ada(), { idempotency_Key: 'k' }), (error) => {
    assert.equal(error.code, 'INVALID_INPUT')
    assert.match(error.message, /unknown field `idempotency_Key`/)
    assert.match(error.message, /idempotencyKey/, 'the message lists the valid options')
    return true
  })
})

test('a user given as an array is refused', async () => {
  // The core reads it as serde's sequence form of a struct, so the field is `[0]`.
  await assert.rejects(client.createUser(account, [ada()]), { code: 'INVALID_INPUT' })
})

test('an unknown user field is refused', async () => {
  await assert.rejects(client.createUser(account, { ...ada(), nmae: 'typo' }), (error) => {
    assert.equal(error.code, 'INVALID_INPUT')
    assert.match(error.message, /nmae/)
    return true
  })
})

const badClients = [
  ['the options are a string', 'tok', 'options'],
  ['the token is a number', { token: 12345 }, 'token'],
  ['the token is empty', { token: '' }, 'token'],
  ['baseUrl is plain http to a remote host', { token: 'tok-1234', baseUrl: 'http://api.example.com' }, 'base_url'],
  ['baseUrl is not a URL', { token: 'tok-1234', baseUrl: 'not a url' }, 'base_url'],
  ['timeoutMs is zero', { token: 'tok-1234', timeoutMs: 0 }, 'timeout'],
  ['connectTimeoutMs is a string', { token: 'tok-1234', connectTimeoutMs: '10' }, 'connect_timeout_ms'],
  ['maxRetries is fractional', { token: 'tok-1234', maxRetries: 1.5 }, 'max_retries'],
  ['an option is unknown', { token: 'tok-1234', retries: 3 }, 'retries'],
]

for (const [name, options, field] of badClients) {
  test(`new Client throws when ${name}`, () => {
    assert.throws(
      () => new Client(options),
      (error) => {
        assert.ok(error instanceof TrutoError, `not a TrutoError: ${error}`)
        assert.equal(error.code, 'INVALID_INPUT', String(error))
        assert.equal(error.field, field, String(error))
        return true
      },
    )
  })
}

test('nothing was sent by any refused call', async () => {
  assert.deepEqual(await requests(sandbox), [])
})

// A plain-data user crosses into Rust as JSON text; anything else is walked property by
// property. Both must send exactly the same body.
test('plain and non-plain users with the same data send the same body', async () => {
  const data = {
    name: 'Ada Lovelace',
    emails: [{ email: 'ada@example.com', type: 'primary' }],
    first_name: 'Ada',
    roles: [{ name: 'agent' }],
    team_ids: ['t-1', 't-2'],
    remote_data: { nested: { list: [1, 2.5, true, null, 'x', { deep: 'é ☃ 𝄞' }] }, empty: {} },
  }
  class UserRecord {
    constructor(fields) {
      Object.assign(this, fields)
    }
  }
  const deepValue = (levels) => (levels === 0 ? 'bottom' : { next: deepValue(levels - 1) })
  const nullPrototype = Object.assign(Object.create(null), data)
  const variants = [
    ['a plain object (JSON text)', data, data],
    ['a null-prototype object (JSON text)', nullPrototype, data],
    ['a class instance (walked)', new UserRecord(data), data],
    ['remote_data nested deeper than the text path takes (walked)', { ...data, remote_data: deepValue(80) }, { ...data, remote_data: deepValue(80) }],
  ]
  for (const [what, user, expected] of variants) {
    await reset(sandbox)
    await client.createUser(account, user)
    const [request] = await requests(sandbox)
    assert.deepEqual(request.body, JSON.parse(JSON.stringify(expected)), what)
  }
})
