// `index.d.ts` declares the package's surface once; these tests fail when it drifts from
// what implements it:
// - every options interface lists exactly the fields the Rust struct reading it has
//   (`optionFields()`, read from the serde definitions), and `NewUser` the core's fields;
// - `tsc --checkJs` holds index.js's classes to the declared `Client` and `UserList`, and
//   its calls into the addon to `binding.d.ts` (which napi-rs generates from the Rust);
// - every method index.js defines is declared, with as many parameters;
// - tests/types/*.mts, the documented usage, compiles under `--strict`, and its
//   `@ts-expect-error` lines (misuses) must stay errors.

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'

import ts from 'typescript'

import { Client } from 'truto-ticketing'

const require = createRequire(import.meta.url)
const native = require('../binding.js')
const packageDir = fileURLToPath(new URL('..', import.meta.url))

const source = ts.createSourceFile(
  'index.d.ts',
  readFileSync(`${packageDir}/index.d.ts`, 'utf8'),
  ts.ScriptTarget.Latest,
  true,
)

/** The declaration named `name` (an interface or a class) in index.d.ts. */
function declared(name) {
  const found = source.statements.find(
    (node) => (ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name?.text === name,
  )
  assert.ok(found, `index.d.ts declares ${name}`)
  return found
}

/** The names of a declaration's own members (not inherited). */
function memberNames(node, kinds = [ts.SyntaxKind.PropertySignature]) {
  return node.members.filter((member) => kinds.includes(member.kind)).map((member) => member.name.getText(source))
}

function heritage(node) {
  return (node.heritageClauses ?? []).flatMap((clause) => clause.types.map((type) => type.expression.getText(source)))
}

test("index.d.ts's NewUser lists exactly the core's fields", () => {
  assert.deepEqual(memberNames(declared('NewUser')), native.newUserFields())
})

// Options handled by index.js itself, never sent to the addon.
const JS_ONLY = { CallOptions: ['signal'], CreateUsersOptions: ['onProgress'] }

for (const [name, fields] of Object.entries(native.optionFields())) {
  test(`index.d.ts's ${name} lists exactly the fields the addon reads`, () => {
    const node = declared(name)
    assert.deepEqual(memberNames(node).sort(), [...fields, ...(JS_ONLY[name] ?? [])].sort())
    // The common options are read for every method on users: each declares them by extending.
    const common = !['ClientOptions', 'CallOptions'].includes(name)
    assert.deepEqual(heritage(node), common ? ['CallOptions'] : [])
  })
}

/** `name -> parameter count` of a class's or interface's methods (the largest of overloads). */
function declaredMethods(node) {
  const methods = new Map()
  for (const member of node.members) {
    if (ts.isMethodDeclaration(member) || ts.isMethodSignature(member)) {
      const name = member.name.getText(source)
      methods.set(name, Math.max(methods.get(name) ?? 0, member.parameters.length))
    }
  }
  return methods
}

/** `name -> parameter count` of the methods a prototype defines (getters aside). */
function implementedMethods(prototype) {
  const methods = new Map()
  for (const key of Reflect.ownKeys(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key)
    if (key === 'constructor' || typeof descriptor.value !== 'function') continue
    const name = typeof key === 'symbol' ? `[${key.description}]` : key
    methods.set(name, descriptor.value.length)
  }
  return methods
}

test('every method of Client and UserList is declared, with as many parameters', () => {
  const client = new Client({ token: 'surface-test', baseUrl: 'http://127.0.0.1:9' })
  const listing = client.listUsers('sandbox-dixa')
  for (const [name, instance] of [
    ['Client', client],
    ['UserList', listing],
  ]) {
    const implemented = implementedMethods(Object.getPrototypeOf(instance))
    implemented.delete('[nodejs.util.inspect.custom]') // Node's own hook, not API
    assert.deepEqual(
      implemented,
      declaredMethods(declared(name)),
      `${name}: index.js's methods and their parameter counts, against index.d.ts`,
    )
  }
})

/** The errors `tsc` finds compiling `files` with `options`, one line each. */
function typeErrors(files, options) {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    noEmit: true,
    ...options,
  })
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    if (!diagnostic.file) return message
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
    return `${diagnostic.file.fileName}:${line + 1}: ${message}`
  })
}

test('tsc --checkJs: index.js implements index.d.ts and calls the addon as binding.d.ts declares', () => {
  assert.deepEqual(typeErrors([`${packageDir}/index.js`], { allowJs: true, checkJs: true }), [])
})

test('tsc --strict: the documented usage in tests/types compiles, and its misuses do not', () => {
  const typesDir = `${packageDir}/tests/types`
  const files = readdirSync(typesDir)
    .filter((name) => name.endsWith('.mts'))
    .map((name) => `${typesDir}/${name}`)
  assert.ok(files.length > 0, 'no usage files in tests/types')
  assert.deepEqual(typeErrors(files, { strict: true, exactOptionalPropertyTypes: false }), [])
})
