// The documented use of list, get, update and delete, type-checked with `tsc --strict` by
// tests/surface.test.mjs (never run). Each `@ts-expect-error` is a misuse the types must
// keep refusing: tsc fails if the line below it compiles.

import { Client, TrutoError, type ListUsersOptions, type User, type UserPage } from 'truto-ticketing'

const client = new Client()
const account = 'sandbox-dixa'

export async function listing(signal: AbortSignal): Promise<void> {
  const options: ListUsersOptions = {
    limit: 50,
    emails: ['ada@example.com'],
    name: 'ada',
    isActive: true,
    createdAt: { gte: new Date('2026-01-01T00:00:00Z') },
    sortBy: { name: 'desc', created_at: 'asc' },
    collections: [{ id: '42' }],
    ignoreRemoteData: true,
    timeoutMs: 5_000,
    signal,
  }
  for await (const user of client.listUsers(account, options)) {
    const id: string = user.id
    const created: Date | null | undefined = user.created_at
    const text: string | undefined = user.created_at_raw
    console.log(id, created?.toISOString(), text)
  }
  const users: User[] = await client.listUsers(account).toArray()
  const first: User | null = await client.listUsers(account).first()
  const page: UserPage | null = await client.listUsers(account, { limit: 10 }).next()
  if (page?.nextCursor) {
    for await (const rest of client.listUsers(account, { cursor: page.nextCursor }).pages()) {
      const cursor: string | null = rest.cursor
      console.log(cursor, rest.users.length)
    }
  }
  console.log(users.length, first?.name)

  // @ts-expect-error bounds are Dates
  client.listUsers(account, { createdAt: { gte: '2026-01-01' } })
  // @ts-expect-error sortBy is an object of field → order
  client.listUsers(account, { sortBy: [['name', 'desc']] })
  // @ts-expect-error an order is 'asc' or 'desc'
  client.listUsers(account, { sortBy: { name: 'up' } })
  // @ts-expect-error a listing takes no idempotency key
  client.listUsers(account, { idempotencyKey: 'k' })
  const user = (await client.listUsers(account).first())!
  // @ts-expect-error created_at is null when the provider's text is not RFC 3339
  user.created_at.getTime()
}

export async function byId(signal: AbortSignal): Promise<void> {
  const user: User = await client.getUser(account, 'u-1', { ignoreRemoteData: true, signal })
  const updated: User = await client.updateUser(account, user.id, { name: 'Ada Lovelace' }, { idempotencyKey: 'rename-1' })
  const deleted: string = await client.deleteUser(account, updated.id, { signal })
  console.log(deleted)
  try {
    await client.getUser(account, 'missing')
  } catch (error) {
    if (error instanceof TrutoError && error.code === 'NOT_FOUND') console.log(error.status)
  }

  // @ts-expect-error changes take the user's fields only
  await client.updateUser(account, 'u-1', { nmae: 'typo' })
  // @ts-expect-error a get takes no idempotency key
  await client.getUser(account, 'u-1', { idempotencyKey: 'k' })
  // @ts-expect-error deleteUser resolves to the id, not a user
  const gone: User = await client.deleteUser(account, 'u-1')
  console.log(gone)
}
