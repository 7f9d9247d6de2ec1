// The package loads through `require` and `import` alike, with the same classes,
// and its TrutoError behaves like an Error.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'

import truto, { Client, TrutoError } from 'truto-ticketing'
import testing, { Sandbox } from 'truto-ticketing/testing'

const require = createRequire(import.meta.url)

test('require and import give the same classes', () => {
  const required = require('truto-ticketing')
  assert.equal(required.Client, Client)
  assert.equal(required.TrutoError, TrutoError)
  assert.equal(truto.Client, Client)
  assert.equal(require('truto-ticketing/testing').Sandbox, Sandbox)
  assert.equal(testing.Sandbox, Sandbox)
})

test('the package exports only its public entry points', () => {
  assert.throws(() => require('truto-ticketing/binding.js'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' })
  assert.equal(require('truto-ticketing/package.json').name, 'truto-ticketing')
})

test('a TrutoError is an Error with a code', () => {
  let error
  try {
    new Client({ token: '' })
  } catch (caught) {
    error = caught
  }
  assert.ok(error instanceof TrutoError)
  assert.ok(error instanceof Error)
  assert.equal(error.name, 'TrutoError')
  assert.equal(error.code, 'INVALID_INPUT')
  assert.equal(error.field, 'token')
  assert.match(error.message, /^invalid_input: token: /)
  assert.match(error.stack, /TrutoError/)
  assert.deepEqual(error.missingRequiredFields, [])
  assert.equal(error.isRemoteError, false)
})

test('Sandbox can only be made by Sandbox.start', async () => {
  assert.throws(() => new Sandbox(), TypeError)
  const sandbox = await Sandbox.start({ token: 'my-test-token', tls: true })
  try {
    assert.match(sandbox.url, /^https:\/\/127\.0\.0\.1:\d+$/)
    assert.match(sandbox.caPem, /^-----BEGIN CERTIFICATE-----/)
    assert.equal(sandbox.token, 'my-test-token')
    const client = new Client({ token: sandbox.token, baseUrl: sandbox.url, caCert: sandbox.caPem })
    const user = await client.createUser('sandbox-dixa', {
      name: 'Ada Lovelace',
      emails: [{ email: 'ada@example.com' }],
    })
    assert.equal(user.name, 'Ada Lovelace')
  } finally {
    await sandbox.stop()
    await sandbox.stop()
  }
})
