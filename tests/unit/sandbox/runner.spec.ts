import { test } from '@japa/runner'
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { marketplace } from '#marketplace/runtime'
import { RunnerCrash } from '#sandbox/runner'
import { SandboxFault } from '#sandbox/protocol'
import { rejection } from '../marketplace/fixtures.js'
import { handler, installScript, useSandboxHook } from './fixtures.js'

const fault = (promise: Promise<unknown>) => rejection(promise, SandboxFault)

test.group('Sandbox runner process', (group) => {
  useSandboxHook(group)
  group.each.timeout(20_000)

  test('isolates live in a separate runner process started with --no-node-snapshot; this process never loads isolated-vm', async ({ assert }) => {
    const { call, manifest } = installScript(handler(`log('got', event.n); return { doubled: event.n * 2 }`))
    assert.deepEqual(await call({ n: 21 }), { doubled: 42 })
    assert.deepEqual(marketplace.state(manifest.id, 1)?.logs, ['got 21'])
    const pid = marketplace.runner.pid!
    assert.notEqual(pid, process.pid)
    assert.include(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'), '--no-node-snapshot')
    assert.isFalse(Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/isolated-vm/')))
  })

  test('a runner killed mid-call fails that call cleanly, and the next call runs in a new runner', async ({ assert }) => {
    const script = (answer: string) => handler(`if (event.spin) { log('spinning'); await null; const end = Date.now() + 5000; while (Date.now() < end) {} } return '${answer}'`)
    const limits = { cpuMs: 1000, wallMs: 10_000 }
    const spin = installScript(script('ok'), { limits }, { limits })
    const other = installScript(script('other'), { limits }, { limits })
    assert.equal(await spin.call(), 'ok')
    const starts = marketplace.runner.starts
    const inFlight = [spin.call({ spin: true }), other.call({ spin: true })]
    // Kill the runner once both scripts are spinning inside it.
    while (spin.state.logs.length + other.state.logs.length < 2) await new Promise((resolve) => setTimeout(resolve, 5))
    process.kill(marketplace.runner.pid!, 'SIGKILL')
    for (const call of inFlight) {
      const error = await rejection(call, RunnerCrash)
      assert.equal(error.kind, 'crash')
      assert.equal(error.suspects, 2)
    }
    // Two installations were in flight: neither is the culprit for sure, so neither is quarantined.
    assert.equal(spin.state.status, 'failing')
    assert.equal(await spin.call(), 'ok')
    assert.equal(await other.call(), 'other')
    assert.equal(marketplace.runner.starts, starts + 1)
  })

  test('a script that aborts the runner (threat 6) is quarantined; in-flight calls reject; the others are served by a new runner', async ({ assert }) => {
    const bomb = installScript(handler(`return new Array(1e9).fill(0).length`), {}, { limits: { cpuMs: 1000, wallMs: 10_000 } })
    const bystander = installScript(handler(`return 'still here'`))
    const starts = marketplace.runner.starts
    const error = await fault(bomb.call())
    assert.equal(error.kind, 'crash')
    assert.equal(bomb.state.status, 'disabled')
    assert.equal(await bystander.call(), 'still here')
    assert.isAbove(marketplace.runner.starts, starts)
    // The other case of threat 6 never reaches the runner's limits: V8 refuses the string first.
    const spread = installScript(handler(`return [...'.'.repeat(1e9)].length`))
    const refused = await fault(spread.call())
    assert.equal(refused.kind, 'error')
    assert.match(refused.message, /Invalid string length/)
    assert.equal(await bystander.call(), 'still here')
  })

  test('a burst of first calls (after a restart, or many workspaces at once) loads every isolate within its start-up limit', async ({ assert }) => {
    const installed = Array.from({ length: 60 }, (_, index) => installScript(handler(`return ${index}`), {}, { workspaceId: 500 + index }))
    marketplace.runner.stop('SIGKILL')
    const answers = await Promise.all(installed.map((one) => one.call()))
    assert.deepEqual(answers, installed.map((_, index) => index))
  })
})
