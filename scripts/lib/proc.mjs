/*
 * Child processes and dependency installation, shared by the scripts.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { ROOT } from './env.mjs'

const isWindows = process.platform === 'win32'

/** A failed step: carries a short message meant for the user, no stack trace. */
export class StepError extends Error {
  constructor(message, exitCode = 1) {
    super(message)
    this.exitCode = exitCode
  }
}

export function log(message) {
  process.stdout.write(`${message}\n`)
}

/**
 * Runs a command to completion with inherited stdio. Rejects with a StepError naming
 * the command when it exits non-zero.
 */
export function run(command, args = [], { env = process.env, cwd = ROOT, label } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: 'inherit', shell: isWindows })
    child.on('error', (error) =>
      reject(new StepError(`${label ?? command} could not start: ${error.message}`))
    )
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve()
      const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`
      reject(new StepError(`${label ?? [command, ...args].join(' ')} ${how} (see its output above).`, code || 1))
    })
  })
}

/** `node ace <args>` from the app root (ace.js registers the TypeScript loader). */
export function ace(args, options = {}) {
  return run(process.execPath, ['ace', ...args], { label: `node ace ${args.join(' ')}`, ...options })
}

/** `vite build` through the locally installed Vite. */
export function viteBuild(options = {}) {
  const viteBin = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')
  return run(process.execPath, [viteBin, 'build'], { label: 'vite build', ...options })
}

/**
 * Installs dependencies when node_modules is missing (or lacks the framework):
 * `npm ci` when a lock file exists, else `npm install`.
 */
export async function ensureDependencies(root = ROOT) {
  const installed = existsSync(join(root, 'node_modules', '@adonisjs', 'core', 'package.json'))
  if (installed) return false
  const useCi = existsSync(join(root, 'package-lock.json'))
  log(`Installing dependencies (npm ${useCi ? 'ci' : 'install'})...`)
  await run(isWindows ? 'npm.cmd' : 'npm', useCi ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'], {
    cwd: root,
    label: `npm ${useCi ? 'ci' : 'install'}`,
  })
  return true
}

/**
 * Starts a long-running child whose output lines are prefixed with `[name]`.
 * It gets its own process group (not on Windows), so a terminal's Ctrl+C reaches only us
 * and we decide how each child is stopped; it is sent SIGTERM if we exit first.
 * Returns the ChildProcess.
 */
export function startService(name, command, args, { env = process.env, cwd = ROOT } = {}) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: !isWindows })
  process.once('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  })
  const prefix = `[${name}] `
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: stream }).on('line', (line) => out.write(`${prefix}${line}\n`))
  }
  return child
}

/** Resolves once `child` has exited (immediately if it already has). */
export function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}
