/**
 * The cases of ../shared/docs/sandbox-threats.md, each through the runner process, each asserting
 * the outcome in brackets there. Threat 6 (the runner dies) is in runner.spec.ts, 19 (integrity)
 * in tests/unit/marketplace/package.spec.ts.
 */
import { test } from '@japa/runner'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hooks } from '#hooks/bus'
import { marketplace, PLUGIN_PREFIX } from '#marketplace/runtime'
import { capabilityBindings } from '#sandbox/capabilities'
import { SandboxFault } from '#sandbox/protocol'
import { rejection } from '../marketplace/fixtures.js'
import { emit, handler, HOOK, installScript, useSandboxHook } from './fixtures.js'

const fault = (promise: Promise<unknown>) => rejection(promise, SandboxFault)
/** Generous CPU and wall limits, for cases that must reach another limit first. */
const roomy = { memoryMb: 16, cpuMs: 1000, wallMs: 3000 }

/** A local HTTP server on 127.0.0.1 answering with `respond`; resolves with its origin and the paths it saw. */
async function serve(respond: (path: string) => { status: number; location?: string; body?: string }) {
  const seen: { path: string; authorization?: string }[] = []
  const server: Server = createServer((request, response) => {
    seen.push({ path: request.url!, authorization: request.headers.authorization })
    const { status, location, body } = respond(request.url!)
    response.writeHead(status, location ? { location } : {}).end(body ?? '')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() }
}

test.group('Sandbox threats (sandbox-threats.md), through the runner', (group) => {
  useSandboxHook(group)
  group.each.timeout(20_000)

  test('1. while(true) times out, the isolate is disposed, the fault counted, and the next call is served', async ({ assert }) => {
    const loop = installScript(handler('if (event.loop) while (true) {} return 1'))
    const error = await fault(loop.call({ loop: true }))
    assert.oneOf(error.kind, ['cpu', 'timeout'])
    assert.include(loop.state, { faults: 1, status: 'failing' })
    assert.equal((await loop.metrics())!.heapBytes, 0, 'no isolate is loaded after the fault')
    assert.equal(await loop.call(), 1)
  })

  test('2. an async ping-pong loop is killed by the CPU/wall watchdog', async ({ assert }) => {
    const pingPong = installScript(handler(`for (;;) await log('x')`), { limits: { wallMs: 300 } })
    assert.oneOf((await fault(pingPong.call())).kind, ['cpu', 'timeout'])
  })

  test('3. a handler that never settles is rejected at its deadline; the action hook fails open', async ({ assert }) => {
    const never = installScript(handler(`await new Promise(() => {})`), { limits: { wallMs: 200 } }, { workspaceId: 303 })
    assert.equal((await fault(never.call())).kind, 'timeout')
    // Through the bus: the emit completes (action hooks are fail-open) and the tap's failure is recorded.
    await emit({ workspaceId: 303 })
    assert.equal(never.state.lastFault?.kind, 'timeout')
    const tap = hooks.diagnostics().find((row) => row.name === HOOK)!.taps.find((row) => row.plugin === PLUGIN_PREFIX + never.manifest.id)!
    assert.equal(tap.errors, 1)
  })

  test('4. a microtask bomb is timed out and its isolate is never reused', async ({ assert }) => {
    const bomb = installScript(`let calls = 0
export default { async '${HOOK}'(event) { calls++; if (event.bomb) { const spin = () => Promise.resolve().then(spin); spin(); await new Promise(() => {}) } return calls } }`)
    assert.equal(await bomb.call(), 1)
    assert.oneOf((await fault(bomb.call({ bomb: true }))).kind, ['cpu', 'timeout'])
    assert.equal(await bomb.call(), 1, 'a fresh isolate counts from 1 again')
  })

  test('5. memory bombs dispose the isolate with "memory limit" and fault the plugin', async ({ assert }) => {
    const bombs = [
      'const a = []; for (;;) a.push(new Array(10000).fill(a.length))',
      'const a = []; for (;;) a.push(new ArrayBuffer(1e6))',
      `let s = 'x'; for (;;) { s += s; s.indexOf('y') }`,
      `const a = []; for (;;) a.push(JSON.parse(JSON.stringify({ s: 'x'.repeat(1000) })))`,
    ]
    for (const bomb of bombs) {
      const installed = installScript(handler(bomb), { limits: roomy }, { limits: roomy })
      const error = await fault(installed.call())
      // A heap OOM can abort the runner below the limit (sandbox-threats.md): then it is case 6.
      if (error.kind === 'crash') assert.equal(installed.state.status, 'disabled', bomb)
      else {
        assert.equal(error.kind, 'memory', bomb)
        assert.match(error.message, /memory limit/)
      }
      assert.equal(installed.state.faults, 1)
    }
    assert.equal(await installScript(handler('return "still here"')).call(), 'still here')
  })

  test('7. deep recursion is a plugin error, not a crash', async ({ assert }) => {
    const error = await fault(installScript(handler('const f = (n) => f(n + 1) + 1; return f(0)'), { limits: roomy }, { limits: roomy }).call())
    assert.equal(error.kind, 'error')
    assert.match(error.message, /call stack/i)
  })

  test('8. huge or cyclic values are refused at the size cap, before they are copied', async ({ assert }) => {
    const echo = installScript(handler(`if (event.big) return 'x'.repeat(2 * 1024 * 1024); if (event.cyclic) { const a = {}; a.a = a; return a } return 'small'`), { limits: roomy }, { limits: roomy })
    assert.match((await fault(echo.call({ big: true }))).message, /over the 1048576-byte limit/)
    assert.match((await fault(echo.call({ cyclic: true }))).message, /circular/i)
    // The host's own oversized or cyclic event never reaches the script and is not the script's fault.
    const faults = echo.state.faults
    assert.equal((await fault(echo.call({ blob: 'x'.repeat(2 * 1024 * 1024) }))).kind, 'payload')
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    assert.equal((await fault(echo.call({ cyclic }))).kind, 'payload')
    assert.equal(echo.state.faults, faults)
    assert.equal(await echo.call(), 'small')
  })

  test('9. returned proxies, getters, functions and symbols arrive as plain data; a thrown non-Error is normalised', async ({ assert }) => {
    const odd = installScript(
      handler(`if (event.throwString) throw 'not an error'
        return { proxy: new Proxy({}, { get: () => 'trap', ownKeys: () => ['a'], getOwnPropertyDescriptor: () => ({ value: 'trap', enumerable: true, configurable: true }) }),
          getter: { get x() { return 'ran in the sandbox' } }, fn: () => 1, sym: Symbol('s') }`)
    )
    const out = (await odd.call()) as Record<string, any>
    assert.deepEqual(out, { proxy: { a: 'trap' }, getter: { x: 'ran in the sandbox' } })
    assert.property(Object.getOwnPropertyDescriptor(out.getter, 'x'), 'value', 'a data property, no getter on the host')
    const error = await fault(odd.call({ throwString: true }))
    assert.equal(error.kind, 'error')
    assert.equal(error.message, 'the script threw a string, not an Error')
  })

  test('10. prototype pollution stays in the sandbox, __proto__ keys are stripped, and there is no process', async ({ assert }) => {
    const polluter = installScript(
      handler(`Object.prototype.polluted = 1
        const escaped = (() => { try { return typeof (log.constructor.constructor('return process')()) } catch (e) { return e.name } })()
        return Object.assign(JSON.parse('{"__proto__": {"polluted": 2}, "nested": {"constructor": {"prototype": {"polluted": 3}}}}'), { escaped, process: typeof process, require: typeof require })`)
    )
    const out = (await polluter.call()) as Record<string, unknown>
    assert.deepEqual(out, { nested: {}, escaped: 'ReferenceError', process: 'undefined', require: 'undefined' })
    assert.isUndefined(({} as Record<string, unknown>).polluted)
    assert.isUndefined(Object.getPrototypeOf(out).polluted)
  })

  test('11. walking globalThis finds no Reference, ExternalCopy, Callback or ivm object', async ({ assert }) => {
    const walker = installScript(
      handler(`const seen = new Set(), found = []
        const walk = (value, path, depth) => {
          if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value) || depth > 6) return
          seen.add(value)
          const name = (() => { try { return value.constructor && value.constructor.name } catch { return '' } })()
          if (/^(Reference|ExternalCopy|Callback|Isolate|Context)$/.test(String(name))) found.push(path + ':' + name)
          for (const key of Reflect.ownKeys(value)) {
            if (/switchboard|ivm|isolated/i.test(String(key))) found.push(path + '.' + String(key))
            let child; try { child = value[key] } catch { continue }
            walk(child, path + '.' + String(key), depth + 1)
          }
          walk(Object.getPrototypeOf(value), path + '.__proto__', depth + 1)
        }
        walk(globalThis, 'globalThis', 0)
        return { found, visited: seen.size }`)
    )
    const out = (await walker.call()) as { found: string[]; visited: number }
    assert.deepEqual(out.found, [])
    assert.isAbove(out.visited, 100, 'the walk reached the built-ins')
  })

  test('12. a hook that triggers its own hook is refused at once, without a deadlock', async ({ assert }) => {
    const previous = capabilityBindings.messages
    capabilityBindings.messages = {
      // A message sent from the sandbox emits the hook the script taps.
      async sendText(workspaceId) {
        await emit({ workspaceId, inner: true })
        return { id: 1 }
      },
    }
    try {
      const echo = installScript(handler(`if (event.inner) return 'inner ran'; await messages.send(7, 'hi'); return 'outer done'`, 'messages'), { capabilities: { messages: { send: true } } }, { workspaceId: 312 })
      assert.equal(await echo.call(), 'outer done')
      assert.match(echo.state.lastFault!.message, /re-entrant/)
    } finally {
      capabilityBindings.messages = previous
    }
  })

  test('13. one installation hogging the CPU does not hold up another one', async ({ assert }) => {
    const hog = installScript(handler(`const end = Date.now() + 20; while (Date.now() < end) {} return 'hog'`), { limits: roomy }, { limits: roomy })
    const light = installScript(handler(`return 'light'`))
    await Promise.all([hog.call(), light.call()])
    const finished: string[] = []
    const hogs = Array.from({ length: 100 }, () => hog.call().then((out) => finished.push(out as string)))
    await light.call().then((out) => finished.push(out as string))
    await Promise.all(hogs)
    assert.isBelow(finished.indexOf('light'), 99, 'served while the hog still had calls queued')
    assert.equal(hog.state.faults, 0)
  })

  test('14. no timers; sleep is capped and counts against the wall budget', async ({ assert }) => {
    const sleeper = installScript(
      handler(`if (event.forever) for (;;) await sleep(1e9)
        await sleep(1e9)
        return [typeof setTimeout, typeof setInterval, typeof setImmediate]`, 'sleep'),
      { capabilities: { sleep: { maxMs: 50 } }, limits: { wallMs: 300 } }
    )
    assert.deepEqual(await sleeper.call(), ['undefined', 'undefined', 'undefined'])
    assert.equal((await fault(sleeper.call({ forever: true }))).kind, 'timeout')
  })

  test('15. http.fetch: undeclared origins, look-alikes, other schemes and ports, private addresses — all denied', async ({ assert }) => {
    const fetcher = installScript(
      handler(`const out = []
        for (const url of event.urls) { try { await http.fetch(url); out.push('allowed') } catch (e) { out.push(e.message) } }
        return out`, 'http'),
      {
        capabilities: {
          http: {
            origins: ['https://api.acme.com', 'http://localhost:9', 'http://10.0.0.1', 'http://172.16.0.1', 'http://192.168.1.1', 'http://169.254.169.254', 'http://[::ffff:127.0.0.1]', 'http://127.0.0.1:9'].map((origin) => ({ origin: new URL(origin).origin, methods: ['GET' as const] })),
          },
        },
      }
    )
    const undeclared = ['https://evil.tld/x', 'https://api.acme.com.evil.tld/', 'https://api.acme.com@evil.tld/', 'https://user:pw@api.acme.com/', 'http://api.acme.com/', 'https://api.acme.com:8443/', 'ftp://api.acme.com/', 'https://аpi.acme.com/']
    const internal = ['http://localhost:9/', 'http://10.0.0.1/', 'http://172.16.0.1/', 'http://192.168.1.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:127.0.0.1]/', 'http://127.0.0.1:9/']
    const answers = (await fetcher.call({ urls: [...undeclared, ...internal] })) as string[]
    undeclared.forEach((url, index) => assert.match(answers[index], /not a declared origin|not a URL/, url))
    internal.forEach((url, index) => assert.match(answers[undeclared.length + index], /private address/, url))
  })

  test('15. http.fetch: a redirect to a forbidden URL and calls over the sub-request cap are denied before connecting', async ({ assert }) => {
    const target = await serve(() => ({ status: 200, body: 'should not be reached' }))
    const api = await serve((path) => (path === '/jump' ? { status: 302, location: `${target.origin.replace('127.0.0.1', 'localhost')}/stolen` } : { status: 200, body: 'ok' }))
    try {
      const fetcher = installScript(
        handler(`const out = []
          for (const url of event.urls) { try { out.push((await http.fetch(url)).body) } catch (e) { out.push(e.message) } }
          return out`, 'http'),
        { capabilities: { http: { origins: [{ origin: api.origin, methods: ['GET'] }] } }, limits: { subrequests: 3 } },
        { allowInternalHosts: ['127.0.0.1'] }
      )
      const answers = (await fetcher.call({ urls: [`${api.origin}/jump`, `${api.origin}/a`, `${api.origin}/b`, `${api.origin}/c`] })) as string[]
      assert.match(answers[0], /not a declared origin/)
      assert.deepEqual(answers.slice(1, 3), ['ok', 'ok'])
      assert.match(answers[3], /sub-request limit/)
      assert.deepEqual(target.seen, [])
      assert.deepEqual(api.seen.map((request) => request.path), ['/jump', '/a', '/b'])
    } finally {
      target.close()
      api.close()
    }
  })

  test('16. secrets are filled into fetch headers on the host and cannot be read by the script', async ({ assert }) => {
    const api = await serve(() => ({ status: 200, body: 'ok' }))
    try {
      const fetcher = installScript(
        handler(`const answer = await http.fetch(event.url, { secretHeaders: { authorization: 'Bearer {API_KEY}' } })
          return { answer, event, keys: Object.keys(globalThis), named: (() => { try { return typeof API_KEY } catch (e) { return e.name } })() }`, 'http'),
        { secrets: ['API_KEY'], capabilities: { http: { origins: [{ origin: api.origin, methods: ['GET'] }] } } },
        { secrets: { API_KEY: 's3cret' }, allowInternalHosts: ['127.0.0.1'] }
      )
      const out = JSON.stringify(await fetcher.call({ url: `${api.origin}/hook` }))
      assert.deepEqual(api.seen.map((request) => request.authorization), ['Bearer s3cret'])
      assert.include(out, '"body":"ok"')
      assert.notInclude(out, 's3cret')
    } finally {
      api.close()
    }
  })

  test('17. a detached rejection does not break the next, unrelated call', async ({ assert }) => {
    // One that surfaces after its call returned (a capability answer settles it later), and one
    // that surfaces during its own call (isolated-vm reports that one as the call's error).
    const detached = installScript(
      `import { sleep } from 'switchboard:api'
let calls = 0
export default { async '${HOOK}'(event) {
  calls++
  if (event.late) sleep(20).then(() => { throw new Error('late') })
  if (event.now) Promise.reject(new Error('now'))
  if (event.wait) await sleep(100)
  return calls } }`,
      { capabilities: { sleep: { maxMs: 200 } } }
    )
    assert.equal(await detached.call({ late: true }), 1)
    assert.equal(await detached.call({ wait: true }), 2, 'the late rejection surfaced during this call and did not break it')
    assert.equal((await fault(detached.call({ now: true }))).message, 'now')
    assert.equal(await detached.call(), 4, 'the same warm isolate answered')
  })

  test('18. other imports, top-level code over its limit and oversized sources are refused at load', async ({ assert }) => {
    const imports = await fault(installScript(`import fs from 'node:fs'\nexport default {}`).call())
    assert.equal(imports.kind, 'load')
    assert.match(imports.message, /may import only "switchboard:api"/)
    const topLevel = await fault(installScript(`while (true) {}\nexport default {}`).call())
    assert.oneOf(topLevel.kind, ['load', 'cpu', 'timeout'])
    const startUp = await fault(installScript(`await new Promise(() => {})\nexport default {}`, { limits: { wallMs: 200 } }).call())
    assert.equal(startUp.kind, 'load')
    assert.match(startUp.message, /top-level/)
    const oversized = await fault(installScript(`// ${'x'.repeat(1_100_000)}\nexport default {}`).call())
    assert.equal(oversized.kind, 'load')
    assert.match(oversized.message, /over 1048576 bytes/)
    const ungranted = await fault(installScript(handler(`await kv.set('a', 1)`, 'kv')).call())
    assert.equal(ungranted.kind, 'load')
    assert.match(ungranted.message, /kv/)
  })

  test('20. disabled stops new calls at once; uninstall leaves no tap running; a missing hook is refused', async ({ assert }) => {
    const counter = installScript(handler(`log('ran'); if (event.boom) throw new Error('boom')`), {}, { workspaceId: 301 })
    const plugin = PLUGIN_PREFIX + counter.manifest.id
    for (let i = 0; i < 3; i++) await emit({ workspaceId: 301, boom: true })
    assert.equal(counter.state.status, 'disabled')
    await emit({ workspaceId: 301 })
    assert.lengthOf(counter.state.logs, 3)
    marketplace.install({ workspaceId: 302, pkg: { manifest: counter.manifest, script: handler(`log('ran')`), files: new Map(), keyId: 'test', publisher: 'Acme' }, grants: ['log'] })
    marketplace.uninstall(counter.manifest.id, 302)
    await emit({ workspaceId: 302 })
    assert.isFalse(marketplace.isActive(plugin, 302))
    assert.isUndefined(await marketplace.metrics(counter.manifest.id, 302))
    assert.throws(() => installScript(handler('return 1'), { hooks: ['test.noSuchHook'] }), /does not have/)
  })
})
