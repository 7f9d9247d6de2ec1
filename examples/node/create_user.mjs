// Creates a user and prints it.
//
// With no TRUTO_API_TOKEN set, it starts the embedded sandbox (a local,
// Truto-compatible server) and creates the user there, so it runs offline:
//
//     node create_user.mjs
//
// Against Truto itself:
//
//     TRUTO_API_TOKEN=... node create_user.mjs <integrated-account-id>
//
// TRUTO_LOG=debug prints every HTTP attempt.

import { Client, TrutoError } from 'truto-ticketing'
import { Sandbox } from 'truto-ticketing/testing'

let client
let account
let sandbox
if (process.env.TRUTO_API_TOKEN?.trim()) {
  account = process.argv[2]
  if (!account) {
    console.error('usage: node create_user.mjs <integrated-account-id>')
    process.exit(2)
  }
  client = new Client() // TRUTO_API_TOKEN, TRUTO_BASE_URL
} else {
  // HTTPS, as Truto is: the client trusts the CA the sandbox made at start.
  sandbox = await Sandbox.start({ tls: true })
  console.error(`TRUTO_API_TOKEN is not set: using the embedded sandbox at ${sandbox.url}`)
  client = new Client({ token: sandbox.token, baseUrl: sandbox.url, caCert: sandbox.caPem })
  account = 'sandbox-dixa'
}

try {
  const user = await client.createUser(account, {
    name: 'Ada Lovelace',
    first_name: 'Ada',
    last_name: 'Lovelace',
    emails: [{ email: 'ada@example.com', type: 'primary' }],
    roles: 'member',
  })
  console.log(JSON.stringify(user, null, 2))
} catch (error) {
  if (!(error instanceof TrutoError)) throw error
  console.error(`could not create the user: ${error.message}`)
  process.exitCode = 1
} finally {
  await sandbox?.stop()
}
