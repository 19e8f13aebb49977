import { test } from '@japa/runner'
import { performance } from 'node:perf_hooks'
import { HookBus, HookDepthError, cancel, hooks, type HookBusOptions } from '#hooks/bus'
import type { ActionHook, BailHook, FilterHook, Keyed, ParallelHook } from '#hooks/catalogue'

/** A catalogue of its own, so these hooks never leak into the app's. */
interface TestCatalogue {
  'test.series': ActionHook<{ workspaceId: number | null; log: string[] }>
  'test.parallel': ParallelHook<{ workspaceId: number; log: string[] }>
  'test.filterContinue': FilterHook<string, { workspaceId: number }>
  'test.filterStop': FilterHook<string, { workspaceId: number }>
  'test.bail': BailHook<{ workspaceId: number; log: string[] }, string>
  'test.webhook': Keyed<BailHook<{ workspaceId: null; body: string }, number>>
  'test.nest': ActionHook<{ workspaceId: number; level: number; levels: number[] }>
}

function makeBus(options: HookBusOptions = {}) {
  const warnings: { details: any; message: string }[] = []
  const bus = new HookBus<TestCatalogue>({ logger: { warn: (details, message) => warnings.push({ details, message }) }, ...options })
  bus
    .define('test.series', { kind: 'action', description: 'series' })
    .define('test.parallel', { kind: 'parallel', description: 'parallel' })
    .define('test.filterContinue', { kind: 'filter', policy: 'continue', description: 'filter, continue' })
    .define('test.filterStop', { kind: 'filter', policy: 'stop', description: 'filter, stop' })
    .define('test.bail', { kind: 'bail', description: 'bail' })
    .define('test.webhook', { kind: 'bail', keyed: true, description: 'keyed bail', plugin: 'webhooks' })
    .define('test.nest', { kind: 'action', description: 'nesting' })
  return { bus, warnings }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const busyWait = (ms: number) => {
  const until = performance.now() + ms
  while (performance.now() < until);
}
const tapOf = (bus: HookBus<any>, hook: string, plugin: string) =>
  bus.diagnostics().find((row) => row.name === hook)!.taps.find((tap) => tap.plugin === plugin)!

test.group('Hook bus: kinds', () => {
  test('action taps run in series, ordered by stage, then by tap order', async ({ assert }) => {
    const { bus } = makeBus()
    bus.tap('test.series', { plugin: 'late', stage: 10 }, ({ log }) => log.push('late'))
    bus.tap('test.series', { plugin: 'first', stage: -5 }, async ({ log }) => {
      log.push('first:start')
      await sleep(15)
      log.push('first:end')
    })
    bus.tap('test.series', { plugin: 'a' }, ({ log }) => log.push('a'))
    bus.tap('test.series', 'b', ({ log }) => log.push('b'))

    const log: string[] = []
    await bus.emit('test.series', { workspaceId: 1, log })
    assert.deepEqual(log, ['first:start', 'first:end', 'a', 'b', 'late'])
    assert.deepEqual(
      bus.diagnostics().find((row) => row.name === 'test.series')!.taps.map((tap) => [tap.plugin, tap.stage]),
      [['first', -5], ['a', 0], ['b', 0], ['late', 10]]
    )
  })

  test('parallel taps run at the same time', async ({ assert }) => {
    const { bus } = makeBus({ defaultTimeoutMs: 300 })
    // Each tap waits for the other to have started: in series the first would miss its deadline.
    let startB!: () => void
    const bStarted = new Promise<void>((resolve) => (startB = resolve))
    bus.tap('test.parallel', 'a', async ({ log }) => {
      log.push('a:start')
      await bStarted
      log.push('a:end')
    })
    bus.tap('test.parallel', 'b', async ({ log }) => {
      log.push('b:start')
      startB()
      await sleep(5)
      log.push('b:end')
    })

    const log: string[] = []
    await bus.emit('test.parallel', { workspaceId: 1, log })
    assert.deepEqual(log.slice(0, 2), ['a:start', 'b:start'])
    assert.sameMembers(log, ['a:start', 'b:start', 'a:end', 'b:end'])
    assert.equal(tapOf(bus, 'test.parallel', 'a').errors, 0)
  })

  test('a filter tap changes the value, and returning nothing keeps it', async ({ assert }) => {
    const { bus } = makeBus()
    bus.tap('test.filterContinue', { plugin: 'upper', stage: 1 }, (value) => value.toUpperCase())
    bus.tap('test.filterContinue', 'exclaim', async (value, { workspaceId }) => `${value}! (${workspaceId})`)
    bus.tap('test.filterContinue', { plugin: 'noop', stage: 2 }, () => {})

    assert.deepEqual(await bus.filter('test.filterContinue', 'hi', { workspaceId: 7 }), { cancelled: false, value: 'HI! (7)' })
  })

  test('a filter tap cancels: later taps do not run, the result says who and why', async ({ assert }) => {
    const { bus } = makeBus()
    let laterRan = false
    bus.tap('test.filterContinue', 'suffix', (value) => `${value}-x`)
    bus.tap('test.filterContinue', 'spam', async (value) => (value.includes('buy') ? cancel('looks like spam') : undefined))
    bus.tap('test.filterContinue', 'later', (value) => {
      laterRan = true
      return value
    })

    const result = await bus.filter('test.filterContinue', 'buy now', { workspaceId: 1 })
    assert.deepEqual(result, { cancelled: true, value: 'buy now-x', reason: 'looks like spam', plugin: 'spam', failed: false })
    assert.isFalse(laterRan)
    assert.equal(bus.diagnostics().find((row) => row.name === 'test.filterContinue')!.cancelled, 1)

    assert.deepEqual(await bus.filter('test.filterContinue', 'hello', { workspaceId: 1 }), { cancelled: false, value: 'hello-x' })
    assert.isTrue(laterRan)
  })

  test("a failing filter tap is skipped; policy 'continue' goes on, 'stop' stops", async ({ assert }) => {
    const { bus, warnings } = makeBus()
    for (const name of ['test.filterContinue', 'test.filterStop'] as const) {
      bus.tap(name, 'a', (value) => `${value}a`)
      bus.tap(name, 'broken', async () => {
        throw new Error('boom')
      })
      bus.tap(name, 'c', (value) => `${value}c`)
    }

    assert.deepEqual(await bus.filter('test.filterContinue', '', { workspaceId: 1 }), { cancelled: false, value: 'ac' })
    assert.deepEqual(await bus.filter('test.filterStop', '', { workspaceId: 1 }), {
      cancelled: true,
      value: 'a',
      reason: 'Tap of "broken" failed: boom',
      plugin: 'broken',
      failed: true,
    })
    assert.equal(tapOf(bus, 'test.filterStop', 'c').calls, 0)
    assert.equal(tapOf(bus, 'test.filterContinue', 'c').calls, 1)
    assert.equal(tapOf(bus, 'test.filterStop', 'broken').errors, 1)
    assert.lengthOf(warnings, 2)
  })

  test('bail: the first answer wins and later taps are not called', async ({ assert }) => {
    const { bus } = makeBus()
    bus.tap('test.bail', { plugin: 'human', stage: 10 }, ({ log }) => {
      log.push('human')
      return 'human'
    })
    bus.tap('test.bail', 'silent', ({ log }) => {
      log.push('silent')
    })
    bus.tap('test.bail', 'broken', () => {
      throw new Error('bot crashed')
    })
    bus.tap('test.bail', 'bot', async ({ log, workspaceId }) => {
      log.push('bot')
      return workspaceId === 1 ? 'bot' : undefined
    })

    const log: string[] = []
    assert.equal(await bus.ask('test.bail', { workspaceId: 1, log }), 'bot')
    assert.deepEqual(log, ['silent', 'bot'])

    const log2: string[] = []
    assert.equal(await bus.ask('test.bail', { workspaceId: 2, log: log2 }), 'human')
    assert.deepEqual(log2, ['silent', 'bot', 'human'])
    assert.equal(tapOf(bus, 'test.bail', 'broken').errors, 2)
  })

  test('keyed hooks: each key is its own hook; an untapped key answers nothing and is not created', async ({ assert }) => {
    const { bus } = makeBus()
    bus.tap('test.webhook:meta', 'whatsapp-cloud', ({ body }) => body.length)
    bus.tap('test.webhook:360dialog', 'whatsapp-360dialog', () => 360)

    assert.equal(await bus.ask('test.webhook:meta', { workspaceId: null, body: 'abcd' }), 4)
    assert.equal(await bus.ask('test.webhook:360dialog', { workspaceId: null, body: 'abcd' }), 360)
    assert.isUndefined(await bus.ask('test.webhook:nobody', { workspaceId: null, body: '' }))
    const names = bus.diagnostics().map((row) => row.name)
    assert.includeMembers(names, ['test.webhook:360dialog', 'test.webhook:meta'])
    assert.notInclude(names, 'test.webhook:nobody')
    await assert.rejects(() => bus.ask('test.webhook' as any, { workspaceId: null, body: '' }), /keyed: use "test.webhook:<key>"/)
  })

  test('definitions are checked: twice, filter without policy, wrong method, unknown hook', async ({ assert }) => {
    const { bus } = makeBus()
    assert.throws(() => bus.define('test.series', { kind: 'action', description: 'again' }), /defined twice/)
    const fresh = new HookBus<TestCatalogue>()
    // @ts-expect-error a filter must declare its policy
    assert.throws(() => fresh.define('test.filterStop', { kind: 'filter', description: 'x' }), /must declare policy/)
    // @ts-expect-error the kind must match the catalogue
    fresh.define('test.bail', { kind: 'action', description: 'x' })
    // @ts-expect-error filters are run with filter(), not emit()
    await assert.rejects(() => bus.emit('test.filterStop', { workspaceId: 1 }), /is a filter hook: use hooks\.filter\(\)/)
    // @ts-expect-error not in the catalogue
    assert.throws(() => bus.tap('test.nothing', 'x', () => {}), /Unknown hook "test.nothing"/)
    // @ts-expect-error a filter tap must return the value type
    bus.tap('test.filterStop', 'typed', () => 42)
  })

  test('the app bus knows the core events', ({ assert }) => {
    const names = hooks.definitions().map((definition) => definition.name)
    assert.includeMembers(names, ['workspace.created', 'member.joined', 'member.removed', 'member.roleChanged', 'user.loggedIn', 'token.created'])
    const core = hooks.definitions().filter((definition) => definition.name === 'member.roleChanged')
    assert.deepEqual(core, [{ name: 'member.roleChanged', kind: 'action', policy: null, keyed: false, plugin: 'core', description: core[0].description, sandbox: null }])
  })
})

test.group('Hook bus: the interceptor', () => {
  test('gate: a plugin runs in the workspace that enabled it and is skipped in another, at the same time', async ({ assert }) => {
    const { bus } = makeBus()
    const enabled = new Map([['crm', new Set([1])]])
    bus.setGate((plugin, workspaceId) => workspaceId !== null && !!enabled.get(plugin)?.has(workspaceId))
    bus.tap('test.series', 'crm', async ({ workspaceId, log }) => {
      await sleep(5) // both emits are in flight together
      log.push(`crm@${workspaceId}`)
    })
    bus.tap('test.series', 'core', async ({ workspaceId, log }) => {
      await sleep(1)
      log.push(`core@${workspaceId}`)
    })

    const inA: string[] = []
    const inB: string[] = []
    const instanceWide: string[] = []
    await Promise.all([
      bus.emit('test.series', { workspaceId: 1, log: inA }),
      bus.emit('test.series', { workspaceId: 2, log: inB }),
      bus.emit('test.series', { workspaceId: null, log: instanceWide }),
    ])
    assert.deepEqual(inA, ['crm@1', 'core@1'])
    assert.deepEqual(inB, ['core@2'], "'core' is never gated")
    assert.deepEqual(instanceWide, ['core@null'])
    const crm = tapOf(bus, 'test.series', 'crm')
    assert.deepInclude(crm, { calls: 1, skipped: 2, errors: 0 })
  })

  test('deadline: a hung tap is cut off, a late one counts as failed, the others still run', async ({ assert }) => {
    const { bus, warnings } = makeBus({ tickMs: 5 })
    const ran: string[] = []
    bus.tap('test.series', { plugin: 'hung', timeoutMs: 40 }, () => new Promise(() => {}))
    bus.tap('test.series', { plugin: 'late', timeoutMs: 2 }, () => busyWait(6))
    bus.tap('test.series', 'after', () => ran.push('after'))

    const started = performance.now()
    await bus.emit('test.series', { workspaceId: 1, log: [] })
    const elapsed = performance.now() - started
    assert.deepEqual(ran, ['after'])
    assert.isAtLeast(elapsed, 40)
    assert.isBelow(elapsed, 200)
    assert.deepInclude(tapOf(bus, 'test.series', 'hung'), { errors: 1, timeouts: 1 })
    assert.match(tapOf(bus, 'test.series', 'hung').lastError!.message, /did not finish within its 40 ms deadline/)
    assert.deepInclude(tapOf(bus, 'test.series', 'late'), { errors: 1, timeouts: 1 })
    assert.match(tapOf(bus, 'test.series', 'late').lastError!.message, /over its 2 ms deadline/)
    assert.deepInclude(tapOf(bus, 'test.series', 'after'), { errors: 0, calls: 1 })
    assert.lengthOf(warnings, 2)
  })

  test('deadline: a late filter tap is skipped, its value discarded', async ({ assert }) => {
    const { bus } = makeBus({ tickMs: 5 })
    bus.tap('test.filterContinue', { plugin: 'slow', timeoutMs: 20 }, async (value) => {
      await sleep(60)
      return `${value}-slow`
    })
    bus.tap('test.filterContinue', 'fast', (value) => `${value}-fast`)
    assert.deepEqual(await bus.filter('test.filterContinue', 'v', { workspaceId: 1 }), { cancelled: false, value: 'v-fast' })
    await sleep(60) // the slow tap finishing after its cut-off changes nothing
    assert.deepInclude(tapOf(bus, 'test.filterContinue', 'slow'), { errors: 1, timeouts: 1, calls: 1 })
  })

  test('errors are contained, counted and logged against their plugin', async ({ assert }) => {
    const { bus, warnings } = makeBus()
    const ran: string[] = []
    bus.tap('test.series', 'throws', () => {
      throw new Error('sync boom')
    })
    bus.tap('test.series', 'rejects', async () => {
      throw new TypeError('async boom')
    })
    bus.tap('test.series', 'fine', () => ran.push('fine'))

    await bus.emit('test.series', { workspaceId: 3, log: [] })
    await bus.emit('test.series', { workspaceId: 3, log: [] })
    assert.deepEqual(ran, ['fine', 'fine'])
    assert.deepInclude(tapOf(bus, 'test.series', 'throws'), { calls: 2, errors: 2, timeouts: 0 })
    assert.equal(tapOf(bus, 'test.series', 'throws').lastError!.message, 'sync boom')
    assert.equal(tapOf(bus, 'test.series', 'rejects').lastError!.message, 'async boom')
    assert.deepInclude(tapOf(bus, 'test.series', 'fine'), { calls: 2, errors: 0 })
    assert.lengthOf(warnings, 4)
    assert.deepInclude(warnings[0].details, { hook: 'test.series', plugin: 'throws', workspaceId: 3 })
    assert.instanceOf(warnings[1].details.err, TypeError)
  })

  test('depth limit: a tap that re-emits is refused past the limit, with the chain in the error', async ({ assert }) => {
    const { bus } = makeBus({ maxDepth: 4 })
    bus.tap('test.nest', 'recursive', async ({ workspaceId, level, levels }) => {
      levels.push(level)
      await bus.emit('test.nest', { workspaceId, level: level + 1, levels })
    })

    const levels: number[] = []
    await bus.emit('test.nest', { workspaceId: 1, level: 1, levels })
    assert.deepEqual(levels, [1, 2, 3, 4])
    const tap = tapOf(bus, 'test.nest', 'recursive')
    assert.equal(tap.errors, 1)
    assert.match(tap.lastError!.message, /refused: emitting it would nest 5 hooks deep, over the limit of 4 \(test\.nest → test\.nest → test\.nest → test\.nest → test\.nest\)/)

    // Only nesting counts: many emits one after the other, or side by side, are fine.
    for (let i = 0; i < 10; i++) await bus.emit('test.series', { workspaceId: 1, log: [] })
    const flat: number[] = []
    await Promise.all(Array.from({ length: 10 }, () => bus.emit('test.nest', { workspaceId: 1, level: 4, levels: flat })))
    // Each of the 10 side-by-side emits nests its own 4 levels deep before it is refused.
    assert.deepEqual(flat.filter((level) => level === 7).length, 10)
    assert.lengthOf(flat, 40)
    assert.equal(tapOf(bus, 'test.nest', 'recursive').errors, 11)
  })

  test('depth limit: the refused emit rejects with a HookDepthError naming the chain', async ({ assert }) => {
    const { bus } = makeBus({ maxDepth: 2 })
    let caught: unknown
    bus.tap('test.series', 'outer', async () => {
      await bus.emit('test.nest', { workspaceId: 1, level: 2, levels: [] })
    })
    bus.tap('test.nest', 'inner', async () => {
      try {
        await bus.emit('test.series', { workspaceId: 1, log: [] })
      } catch (error) {
        caught = error
        throw error
      }
    })
    await bus.emit('test.series', { workspaceId: 1, log: [] })
    assert.instanceOf(caught, HookDepthError)
    assert.deepEqual((caught as HookDepthError).chain, ['test.series', 'test.nest'])
    assert.equal(tapOf(bus, 'test.nest', 'inner').errors, 1)
    assert.equal(tapOf(bus, 'test.series', 'outer').errors, 0)
  })
})

test.group('Hook bus: diagnostics', () => {
  test('every hook with kind, policy, taps in order and their numbers', async ({ assert }) => {
    const { bus } = makeBus()
    bus.setGate((plugin, workspaceId) => plugin !== 'analytics' || workspaceId === 1)
    bus.tap('test.series', { plugin: 'analytics', stage: 5 }, () => busyWait(5))
    bus.tap('test.series', { plugin: 'audit', stage: -1, timeoutMs: 500 }, (payload) => {
      if (payload.log.length) throw new Error('bad payload')
    })
    for (let i = 0; i < 10; i++) await bus.emit('test.series', { workspaceId: i % 2 === 0 ? 1 : 2, log: i === 9 ? ['x'] : [] })
    bus.tap('test.webhook:meta', 'whatsapp-cloud', () => 1)

    const rows = bus.diagnostics()
    const series = rows.find((row) => row.name === 'test.series')!
    assert.deepInclude(series, { kind: 'action', policy: null, plugin: 'core', keyed: false, calls: 10 })
    assert.deepEqual(
      series.taps.map(({ plugin, stage, timeoutMs, calls, skipped, errors }) => ({ plugin, stage, timeoutMs, calls, skipped, errors })),
      [
        { plugin: 'audit', stage: -1, timeoutMs: 500, calls: 10, skipped: 0, errors: 1 },
        { plugin: 'analytics', stage: 5, timeoutMs: 2000, calls: 5, skipped: 5, errors: 0 },
      ]
    )
    const analytics = series.taps[1]
    assert.isAtLeast(analytics.p50Ms!, 4.85)
    // Relative, not a time limit (a loaded machine stretches any wall time): the tap that waits
    // 5 ms is timed as slower than the one that returns at once, so times are per tap.
    assert.isBelow(series.taps[0].p50Ms!, analytics.p50Ms!)
    assert.isAtLeast(analytics.p99Ms!, analytics.p50Ms!)
    assert.isAtLeast(series.p50Ms!, 0)
    assert.isAtLeast(series.p99Ms!, 4.85, 'an emit that ran the 5 ms tap')
    assert.equal(series.taps[0].lastError!.message, 'bad payload')
    assert.isNull(analytics.lastError)

    assert.deepInclude(rows.find((row) => row.name === 'test.filterStop')!, { kind: 'filter', policy: 'stop', calls: 0, p50Ms: null })
    assert.deepInclude(rows.find((row) => row.name === 'test.webhook:meta')!, { kind: 'bail', keyed: true, plugin: 'webhooks' })
    assert.deepEqual(
      rows.map((row) => row.name),
      ['test.bail', 'test.filterContinue', 'test.filterStop', 'test.nest', 'test.parallel', 'test.series', 'test.webhook:meta']
    )
  })
})
