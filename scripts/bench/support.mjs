/*
 * Helpers for scripts/bench.mjs: child processes that are always stopped, free ports,
 * waiting for HTTP, a tiny cookie jar, autocannon runs, the compiled app started with its own
 * database and Redis database (web process, workers, console commands, a seeded workspace),
 * CPU time of child processes from /proc, percentiles and tables.
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import autocannon from 'autocannon'
import { generateAppKey, loadConfig } from '../lib/env.mjs'
import { checkRedis, ensurePostgresDatabase } from '../lib/services.mjs'

const isWindows = process.platform === 'win32'

/** The bench could not run (as opposed to a budget failing): message for the user, no stack. */
export class BenchError extends Error {
  constructor(message, exitCode = 1) {
    super(message)
    this.exitCode = exitCode
  }
}

export function log(message = '') {
  process.stdout.write(`${message}\n`)
}

/* ---------------------------------------------------------------- child processes */

const children = new Set()

/**
 * Starts a child in its own process group (so a terminal's Ctrl+C reaches only us and we
 * stop it ourselves). Its output is kept (last lines, for error messages) and, when
 * `echo` is set, printed prefixed with `[name]` up to `echoLimit` lines.
 */
export function startChild(name, command, args, { env = process.env, cwd, echo = true, echoLimit = 40 } = {}) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: !isWindows })
  child.benchName = name
  child.stdoutText = ''
  child.tail = []
  let echoed = 0
  let suppressed = 0
  children.add(child)
  child.once('exit', () => {
    children.delete(child)
    if (suppressed > 0) log(`[${name}] (${suppressed} more output lines not shown)`)
  })
  child.once('error', () => children.delete(child))
  for (const [stream, isStdout] of [
    [child.stdout, true],
    [child.stderr, false],
  ]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (isStdout) child.stdoutText += `${line}\n`
      child.tail.push(line)
      if (child.tail.length > 30) child.tail.shift()
      if (!echo || child.quiet) return
      if (echoed < echoLimit) {
        echoed++
        ;(isStdout ? process.stdout : process.stderr).write(`[${name}] ${line}\n`)
      } else {
        suppressed++
      }
    })
  }
  return child
}

export function isRunning(child) {
  return child.exitCode === null && child.signalCode === null
}

function signalChild(child, signal) {
  try {
    if (!isWindows && child.pid) process.kill(-child.pid, signal)
    else child.kill(signal)
  } catch {
    // already gone
  }
}

/** SIGTERM to the child's process group, SIGKILL after `graceMs`. Resolves once it exited. */
export async function stopChild(child, graceMs = 5000) {
  if (!child || !isRunning(child)) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.quiet = true // what it says while shutting down is noise
  signalChild(child, 'SIGTERM')
  const timer = setTimeout(() => signalChild(child, 'SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

/** Stops every child still running (used on success, on error and on SIGINT). */
export async function stopAllChildren() {
  await Promise.all([...children].map((child) => stopChild(child)))
}

/** Last resort when the process exits without having awaited stopAllChildren(). */
process.on('exit', () => {
  for (const child of children) if (isRunning(child)) signalChild(child, 'SIGKILL')
})

/** Runs a command to completion (output not echoed unless `echo`); rejects with its output tail. */
export function runToEnd(name, command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = startChild(name, command, args, { echo: false, ...options })
    child.once('error', (error) => reject(new BenchError(`${name} could not start: ${error.message}`)))
    child.once('exit', (code, signal) => {
      if (code === 0) return resolve(child.stdoutText)
      const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`
      reject(new BenchError(`${name} ${how}:\n${indent(child.tail.join('\n'))}`))
    })
  })
}

export function indent(text, prefix = '    ') {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n')
}

/* ---------------------------------------------------------------- network */

/** A TCP port that is free on `host` right now. */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ host, port: 0 }, () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Polls `url` until it answers 200. Fails early when `child` exits, and after `timeoutMs`.
 */
export async function waitForOk(url, { child, timeoutMs = 60_000, what = url } = {}) {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer'
  while (Date.now() < deadline) {
    if (child && !isRunning(child)) {
      throw new BenchError(
        `${child.benchName} exited (code ${child.exitCode ?? child.signalCode}) before ${what} answered:\n${indent(child.tail.join('\n'))}`
      )
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) })
      const text = await response.text()
      if (response.status === 200) return
      last = `${response.status} ${text.slice(0, 300)}`
    } catch (error) {
      last = error.cause?.code ?? error.message
    }
    await sleep(250)
  }
  throw new BenchError(`${what} did not answer 200 within ${timeoutMs / 1000}s (last: ${last})`)
}

/**
 * After a load run the server may still be working through requests whose sockets
 * autocannon already closed. Waits until `url` answers quickly twice in a row, so the
 * next run (or the shutdown) does not inherit that backlog.
 */
export async function settle(url, { quickMs = 50, timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs
  let quick = 0
  while (Date.now() < deadline && quick < 2) {
    const started = performance.now()
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) })
      await response.arrayBuffer()
      quick = performance.now() - started < quickMs ? quick + 1 : 0
    } catch {
      quick = 0
    }
    if (quick < 2) await sleep(100)
  }
}

/* ---------------------------------------------------------------- cookies */

/** Just enough of a cookie jar for one host: name → value, from Set-Cookie headers. */
export class CookieJar {
  #cookies = new Map()

  store(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';')
      const index = pair.indexOf('=')
      if (index < 0) continue
      const name = pair.slice(0, index).trim()
      const value = pair.slice(index + 1).trim()
      const expired = attributes.some((attribute) => {
        const [key, val] = attribute.split('=').map((part) => part?.trim().toLowerCase())
        if (key === 'max-age') return Number(val) <= 0
        if (key === 'expires') return Date.parse(val) < Date.now()
        return false
      })
      if (expired || value === '') this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }

  header() {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  get size() {
    return this.#cookies.size
  }
}

/* ---------------------------------------------------------------- autocannon */

/**
 * One autocannon run. Returns the raw result plus the figures we report.
 * Connection errors and timeouts are counted apart from non-2xx answers.
 */
export async function cannon({ url, headers = {}, connections, duration }) {
  const result = await autocannon({ url, headers, connections, duration })
  return {
    raw: result,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    total: result.requests.total,
  }
}
