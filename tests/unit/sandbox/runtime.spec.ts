import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Notification from '#notifications/notification'
import { addMember, makeOrganizationStaff, UserFactory, workspaceWithMember } from '#database/factories/index'
import { DEFAULT_LIMITS, limitsOf, PLATFORM_LIMITS } from '#marketplace/manifest'
import { FAULT_WINDOW, marketplace, redisKv } from '#marketplace/runtime'
import { capabilityBindings } from '#sandbox/capabilities'
import { SandboxFault } from '#sandbox/protocol'
import { manifestOf, rejection } from '../marketplace/fixtures.js'
import { emit, handler, HOOK, installScript, useSandboxHook } from './fixtures.js'

const fault = (promise: Promise<unknown>) => rejection(promise, SandboxFault)

test.group('Marketplace runtime on the runner', (group) => {
  useSandboxHook(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.timeout(20_000)

  test("a script installed in workspace A never sees B's events, records, kv or isolate", async ({ assert }) => {
    const script = handler(
      `globalThis.seen = (globalThis.seen ?? 0) + 1
      log('event of', event.workspaceId)
      if (event.write) await kv.set('note', event.write)
      return { seen: globalThis.seen, note: await kv.get('note'), contact: await records.contacts.get(5) }`,
      'log, kv, records'
    )
    const overrides = { capabilities: { log: true, kv: { quotaBytes: 1000 }, records: { contacts: ['read' as const] } } }
    const a = installScript(script, overrides, { workspaceId: 401 })
    const b = marketplace.install({ workspaceId: 402, pkg: { manifest: a.manifest, script, files: new Map(), keyId: 'test', publisher: 'Acme' }, grants: ['log', 'kv', 'records'] })
    const previous = capabilityBindings.records
    const asked: number[] = []
    capabilityBindings.records = {
      async getContact(workspaceId, contactId) {
        asked.push(workspaceId)
        return { id: contactId, workspaceId }
      },
      async tagContact() {
        return false
      },
    }
    try {
      await marketplace.call(a.manifest.id, 402, HOOK, { workspaceId: 402, write: 'b' })
      await marketplace.call(a.manifest.id, 402, HOOK, { workspaceId: 402, write: null })
      assert.deepEqual(await a.call({ write: 'a' }), { seen: 1, note: '"a"', contact: { id: 5, workspaceId: 401 } })
      await emit({ workspaceId: 402 })
      assert.deepEqual(a.state.logs, ['event of 401'])
      assert.deepEqual(b.logs, ['event of 402', 'event of 402', 'event of 402'])
      assert.deepEqual(asked, [402, 402, 401, 402])
    } finally {
      capabilityBindings.records = previous
      await Promise.all([401, 402].map((workspaceId) => redisKv(a.manifest.id, workspaceId).clear()))
    }
  })

  test('faults within the window disable the installation there and notify its admins; spread-out faults do not', async ({ assert }) => {
    const { workspace, user: owner } = await workspaceWithMember('owner')
    const admin = await addMember(workspace, 'admin')
    await addMember(workspace, 'agent')
    const staff = await UserFactory.create()
    await makeOrganizationStaff(workspace, staff)
    const flaky = installScript(handler(`throw new Error('flaky')`), {}, { workspaceId: workspace.id })

    const windowMs = FAULT_WINDOW.ms
    FAULT_WINDOW.ms = 0
    try {
      for (let i = 0; i < 4; i++) await emit({ workspaceId: workspace.id })
    } finally {
      FAULT_WINDOW.ms = windowMs
    }
    assert.include(flaky.state, { status: 'failing', faults: 4 })

    // The window is back to its length: the last fault is in it, two more make three.
    for (let i = 0; i < 2; i++) await emit({ workspaceId: workspace.id })
    assert.include(flaky.state, { status: 'disabled', faults: 6 })
    await fault(flaky.call())
    assert.equal(flaky.state.faults, 6, 'a disabled installation is not called')

    // The notice is sent in the background: wait for it.
    let notified: Notification[] = []
    while (notified.length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      notified = await Notification.query().where('workspace_id', workspace.id).orderBy('user_id')
    }
    assert.sameMembers(notified.map((row) => row.userId), [owner.id, admin.id, staff.id])
    assert.include(notified[0].title, flaky.manifest.id)
    assert.include(notified[0].body, 'flaky')
  })

  test("limits: the organization's allowance over the defaults, under the instance maximum", async ({ assert }) => {
    assert.deepEqual(limitsOf(manifestOf()), DEFAULT_LIMITS)
    assert.include(limitsOf(manifestOf({ limits: { cpuMs: 500 } }), { cpuMs: 200 }), { cpuMs: 200 })
    assert.include(limitsOf(manifestOf({ limits: { cpuMs: 20 } }), { cpuMs: 200 }), { cpuMs: 20 })
    assert.include(limitsOf(manifestOf(), { memoryMb: 4096, wallMs: 60_000 }), { memoryMb: PLATFORM_LIMITS.memoryMb, wallMs: PLATFORM_LIMITS.wallMs })

    // About 200 ms of CPU here (work, not a clock: a loaded machine gives a clock-bound loop less CPU).
    const busy = handler(`let x = 0; for (let i = 0; i < 5e7; i++) x = (x + i) % 1000003; return 'done'`)
    assert.equal((await fault(installScript(busy).call())).kind, 'cpu')
    assert.equal(await installScript(busy, {}, { limits: { cpuMs: 1000, wallMs: 10_000 } }).call(), 'done')
  })

  test('metrics: calls, duration percentiles, faults, heap and log lines', async ({ assert }) => {
    const counted = installScript(handler(`log('n', event.n); if (event.n === 3) throw new Error('three'); return event.n`))
    for (const n of [1, 2, 3, 4]) await counted.call({ n }).catch(() => {})
    const metrics = (await counted.metrics())!
    assert.equal(metrics.calls, 3)
    assert.equal(metrics.faults, 1)
    assert.isAbove(metrics.p50Ms!, 0)
    assert.isAtLeast(metrics.p99Ms!, metrics.p50Ms!)
    assert.isAbove(metrics.heapBytes, 100_000)
    assert.deepEqual(metrics.logs, ['n 1', 'n 2', 'n 3', 'n 4'])
  })
})
