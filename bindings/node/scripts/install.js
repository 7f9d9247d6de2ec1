#!/usr/bin/env node
'use strict'

// The package's `install` script: makes sure a native addon for this platform is there,
// and never compiles by surprise.
//
// 1. A prebuilt addon (the `truto-ticketing-<platform>` package npm installed from
//    `optionalDependencies`, or one next to this package) is used as it is: no cargo.
// 2. Otherwise, in a checkout of the repository (the Rust sources beside this package)
//    with cargo on PATH, the addon is built from source, said in one line; or when asked
//    for (`--force`, TRUTO_TICKETING_BUILD_FROM_SOURCE=1).
// 3. Otherwise the install fails with one message naming the platform.
//
// It uses plain `cargo build` (not `napi build`): when npm installs a folder from
// outside its project it does not install that folder's devDependencies, so
// @napi-rs/cli is not there. The file name matches what `binding.js` loads.
//
//   node scripts/install.js [--force] [--profile release|debug] [--features a,b]
//
// Environment: TRUTO_TICKETING_BUILD_FROM_SOURCE=1, TRUTO_TICKETING_BUILD_PROFILE
// (release by default), and CARGO_TARGET_DIR (honoured by cargo itself).

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const packageDir = path.resolve(__dirname, '..')
const packageJson = require('../package.json')
const binaryName = packageJson.napi.binaryName
const crateName = 'truto-ticketing-node'

function main(argv) {
  const options = parseArgs(argv)
  const platform = platformArchAbi()
  const target = path.join(packageDir, `${binaryName}.${platform}.node`)
  const prebuilt = prebuiltAddon(platform, target)
  if (!options.force && prebuilt) {
    return 0
  }
  const sources = fs.existsSync(path.join(packageDir, 'Cargo.toml'))
  const cargo = process.env.CARGO || 'cargo'
  if (!options.force && !(sources && hasCommand(cargo))) {
    log(
      `no prebuilt addon for ${platform}: the package ${packageJson.name}-${platform} ` +
        `was not installed${sources ? ' and cargo is not on PATH' : ''}. ` +
        `Prebuilt addons exist for: ${packageJson.napi.targets.join(', ')}. ` +
        `Install from a checkout of https://github.com/truto-ticketing/truto-ticketing-sdk with Rust ` +
        `(https://rustup.rs, 1.88 or newer) to build one.`,
    )
    return 1
  }
  if (!sources) {
    log(`cannot build from source: this copy of the package has no Rust sources`)
    return 1
  }
  log(`no prebuilt addon for ${platform}: building it from source with cargo (a few minutes)`)
  return build(cargo, options, target)
}

/** The prebuilt addon's path, if one is installed for `platform`. */
function prebuiltAddon(platform, localFile) {
  if (fs.existsSync(localFile)) {
    return localFile
  }
  try {
    return require.resolve(`${packageJson.name}-${platform}`, { paths: [packageDir] })
  } catch {
    return null
  }
}

function hasCommand(command) {
  const probe = spawnSync(command, ['--version'], { stdio: 'ignore' })
  return !probe.error && probe.status === 0
}

function build(cargo, options, target) {
  const cargoArgs = [
    'build',
    '--package',
    crateName,
    '--profile',
    options.profile === 'debug' ? 'dev' : options.profile,
    '--message-format=json-render-diagnostics',
  ]
  if (options.features) {
    cargoArgs.push('--features', options.features)
  }
  const build = spawnSync(cargo, cargoArgs, {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  if (build.error) {
    log(`cannot run ${cargo}: ${build.error.code || build.error.message}`)
    return 1
  }
  if (build.status !== 0) {
    log(`cargo build failed (exit status ${build.status})`)
    return build.status || 1
  }
  const library = builtLibrary(build.stdout)
  if (!library) {
    log(`cargo build succeeded but reported no library for ${crateName}`)
    return 1
  }
  // Copy then rename, so a process that has the old addon loaded keeps a valid file.
  const staging = `${target}.${process.pid}.tmp`
  fs.copyFileSync(library, staging)
  fs.renameSync(staging, target)
  log(`built ${path.basename(target)}`)
  return 0
}

function parseArgs(argv) {
  const options = {
    force: process.env.TRUTO_TICKETING_BUILD_FROM_SOURCE === '1',
    profile: process.env.TRUTO_TICKETING_BUILD_PROFILE || 'release',
    features: '',
  }
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]
    if (argument === '--force') {
      options.force = true
    } else if (argument === '--profile') {
      options.profile = argv[++index]
    } else if (argument === '--features') {
      options.features = argv[++index]
    } else {
      throw new Error(`unknown argument ${argument}`)
    }
  }
  if (!options.profile) {
    throw new Error('--profile needs a value (release or debug)')
  }
  return options
}

/** The cdylib cargo produced, read from its JSON messages. */
function builtLibrary(stdout) {
  let library = null
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue
    const message = JSON.parse(line)
    if (message.reason !== 'compiler-artifact' || !message.target.kind.includes('cdylib')) continue
    if (message.package_id && !message.package_id.includes(crateName)) continue
    library = message.filenames.find((file) => /\.(so|dylib|dll)$/.test(file)) || library
  }
  return library
}

/** The platform part of the file name `binding.js` (generated by napi-rs) loads. */
function platformArchAbi() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const libc = isMusl() ? 'musl' : 'gnu'
    return arch === 'arm' ? `linux-arm-${libc}eabihf` : `linux-${arch}-${libc}`
  }
  if (platform === 'win32') {
    const variables = (process.config && process.config.variables) || {}
    const gnu = variables.shlib_suffix === 'dll.a' || variables.node_target_type === 'shared_library'
    return `win32-${arch}-${arch === 'x64' && gnu ? 'gnu' : 'msvc'}`
  }
  if (platform === 'android') {
    return arch === 'arm' ? 'android-arm-eabi' : `android-${arch}`
  }
  return `${platform}-${arch}`
}

function isMusl() {
  try {
    return fs.readFileSync('/usr/bin/ldd', 'utf8').includes('musl')
  } catch {
    const report = process.report && process.report.getReport ? process.report.getReport() : null
    return Boolean(report && report.header && !report.header.glibcVersionRuntime)
  }
}

function log(message) {
  console.error(`truto-ticketing: ${message}`)
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2))
  } catch (error) {
    log(error.message)
    process.exitCode = 1
  }
}

module.exports = { platformArchAbi }
