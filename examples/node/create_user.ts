// The TypeScript version of create_user.mjs: compiled with `tsc --strict --noEmit`
// by bindings/node/test.sh to prove the package's types.
//
//     npx tsx create_user.ts        (or compile with tsc and run the output)

import { Client, TrutoError, type ErrorCode, type NewUser, type User } from 'truto-ticketing'
import { Sandbox } from 'truto-ticketing/testing'

async function main(): Promise<number> {
  const sandbox = await Sandbox.start({ tls: true })
  const client = new Client({
    token: sandbox.token,
    baseUrl: sandbox.url,
    caCert: sandbox.caPem,
    timeoutMs: 10_000,
    maxRetries: 2,
  })

  const ada: NewUser = {
    name: 'Ada Lovelace',
    emails: [{ email: 'ada@example.com', type: 'primary' }],
    roles: [{ id: 'r-1', name: 'owner' }],
    remote_data: { department: 'Analytical Engines' },
  }
  try {
    const user: User = await client.createUser('sandbox-dixa', ada, { idempotencyKey: 'signup-ada-1' })
    const primary: string | undefined = user.emails.find((email) => email.type === 'primary')?.email
    console.log(user.id, user.name ?? '(no name)', primary, user.remote_data?.['displayName'])

    // The response format decides the result's type.
    const raw = await client.createUser('sandbox-dixa', ada, { responseFormat: 'raw' })
    const body: Buffer = await client.createUser('sandbox-dixa', ada, { responseFormat: 'stream' })
    console.log(typeof raw, body.byteLength)

    const controller = new AbortController()
    await client.createUser('sandbox-dixa', { name: 'Nobody' }, { signal: controller.signal, maxRetries: 0 })
    return 0
  } catch (error) {
    if (error instanceof TrutoError) {
      const code: ErrorCode = error.code
      if (code === 'BAD_REQUEST') {
        console.log('missing:', error.missingRequiredFields.join(', '), 'status', error.status)
        return 0
      }
      console.error(code, error.field, error.requestId, error.retryAfter, error.attempts)
    }
    return 1
  } finally {
    await sandbox.stop()
  }
}

process.exitCode = await main()
