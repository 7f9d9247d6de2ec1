// The typed surface follows the core's field list: a field added to `NewUser` in Rust
// fails here until `index.d.ts`'s `NewUser` has it too.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { test } from 'node:test'

const require = createRequire(import.meta.url)
const native = require('../binding.js')

test("index.d.ts's NewUser lists exactly the core's fields", () => {
  const types = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8')
  const body = types.match(/export interface NewUser \{([\s\S]*?)\n\}/)
  assert.ok(body, 'index.d.ts declares NewUser')
  const declared = [...body[1].matchAll(/^ {2}(\w+)\?:/gm)].map((match) => match[1])
  assert.deepEqual(declared, native.newUserFields())
})
