import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import app from '@adonisjs/core/services/app'
import { SandboxFault } from '#sandbox/sandbox'
import { rejection, sandboxOf } from './fixtures.js'

/**
 * Run in a fresh process (this one has loaded isolated-vm already): whether importing the sandbox
 * loads the native addon, and whether a first call does.
 */
const LAZY_PROBE = `
import { createRequire } from 'node:module'
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/isolated-vm/'))
const { Sandbox } = await import('#sandbox/sandbox')
const { CapabilityHost } = await import('#sandbox/capabilities')
const onImport = loaded()
const manifest = { id: 'com.acme.lazy', name: 'Lazy', version: '1.0.0', description: 'Loads late.', author: { name: 'Acme' }, category: 'utilities', engine: '*', hooks: ['test.event'], capabilities: {} }
const host = new CapabilityHost({ workspaceId: 1, manifest, settings: {}, secrets: {} }, { kv: {}, log: () => {} })
const sandbox = new Sandbox({ manifest, script: "export default { 'test.event': () => 1 }", grants: new Set(), host })
const answer = await sandbox.call('test.event', {})
console.log(JSON.stringify({ onImport, answer, onCall: loaded() }))
sandbox.dispose()`

const fault = (promise: Promise<unknown>) => rejection(promise, SandboxFault)

const handler = (body: string, imports = 'log') => `import { ${imports} } from 'switchboard:api'\nexport default { async 'test.event'(event) { ${body} } }`

test.group('Sandbox', (group) => {
  group.each.timeout(8000)

  test('isolated-vm is loaded by the first isolate, not by importing the sandbox (every process imports it at boot)', async ({ assert }) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'ts-node-maintained/register/esm', '--input-type=module', '-e', LAZY_PROBE], { cwd: app.appRoot })
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), { onImport: false, answer: 1, onCall: true })
  })

  test('a handler gets a copy of the event and answers a copy', async ({ assert }) => {
    const { sandbox, logs } = sandboxOf(handler(`log('got', event.n); return { doubled: event.n * 2 }`))
    assert.deepEqual(await sandbox.call('test.event', { workspaceId: 1, n: 21 }), { doubled: 42 })
    assert.deepEqual(logs, ['got 21'])
    sandbox.dispose()
  })

  test('an infinite loop is cut off by the CPU/wall watchdog and the isolate is not reused', async ({ assert }) => {
    const { sandbox } = sandboxOf(handler('if (event.loop) while (true) {} return 1'))
    const started = performance.now()
    const error = await fault(sandbox.call('test.event', { loop: true }))
    assert.oneOf(error.kind, ['cpu', 'timeout'])
    assert.isBelow(performance.now() - started, 1500)
    assert.equal(await sandbox.call('test.event', { loop: false }), 1)
    assert.equal(sandbox.loads, 2)
    sandbox.dispose()
  })

  test('an async ping-pong loop and a promise that never settles are cut off', async ({ assert }) => {
    const pingPong = sandboxOf(handler(`for (;;) await log('x')`), { limits: { wallMs: 300 } })
    assert.oneOf((await fault(pingPong.sandbox.call('test.event', {}))).kind, ['cpu', 'timeout'])
    const never = sandboxOf(handler(`await new Promise(() => {})`), { limits: { wallMs: 200 } })
    assert.equal((await fault(never.sandbox.call('test.event', {}))).kind, 'timeout')
  })

  test('memory bombs dispose the isolate and the host keeps serving', async ({ assert }) => {
    for (const bomb of ['const a = []; for (;;) a.push({ x: Math.random() })', 'const a = []; for (;;) a.push(JSON.parse(JSON.stringify({ s: "x".repeat(1000) })))']) {
      const { sandbox } = sandboxOf(handler(bomb), { limits: { memoryMb: 16, cpuMs: 1000, wallMs: 3000 } })
      const error = await fault(sandbox.call('test.event', {}))
      assert.oneOf(error.kind, ['memory', 'cpu', 'timeout'])
    }
    const { sandbox } = sandboxOf(handler('return "still here"'))
    assert.equal(await sandbox.call('test.event', {}), 'still here')
  })

  test('the script sees no host objects and no ivm handles', async ({ assert }) => {
    const { sandbox } = sandboxOf(
      handler(`return { process: typeof process, require: typeof require, bridge: typeof globalThis.__switchboard,
        escaped: (() => { try { return typeof (log.constructor.constructor('return process')()) } catch (e) { return e.name } })(),
        globals: Object.getOwnPropertyNames(globalThis).filter((k) => /^(ivm|Reference|ExternalCopy|Callback)$|switchboard/i.test(k)) }`)
    )
    assert.deepEqual(await sandbox.call('test.event', {}), { process: 'undefined', require: 'undefined', bridge: 'undefined', escaped: 'ReferenceError', globals: [] })
    sandbox.dispose()
  })

  test('prototype pollution in the sandbox or in returned JSON does not reach the host', async ({ assert }) => {
    const { sandbox } = sandboxOf(handler(`Object.prototype.polluted = 1; return JSON.parse('{"__proto__": {"polluted": 2}, "ok": true}')`))
    const out = (await sandbox.call('test.event', {})) as Record<string, unknown>
    assert.isTrue(out.ok)
    assert.isUndefined(({} as Record<string, unknown>).polluted)
    assert.isUndefined(Object.getPrototypeOf(out).polluted)
    sandbox.dispose()
  })

  test('deep recursion is a plugin error, not a crash', async ({ assert }) => {
    const { sandbox } = sandboxOf(handler('const f = (n) => f(n + 1) + 1; return f(0)'), { limits: { cpuMs: 1000 } })
    const error = await fault(sandbox.call('test.event', {}))
    assert.equal(error.kind, 'error')
    assert.match(error.message, /call stack/i)
  })

  test('imports other than switchboard:api and ungranted capabilities are refused', async ({ assert }) => {
    const imports = sandboxOf(`import fs from 'node:fs'\nexport default {}`)
    assert.equal((await fault(imports.sandbox.call('test.event', {}))).kind, 'load')
    const ungranted = sandboxOf(handler(`await kv.set('a', 1)`, 'kv'))
    const error = await fault(ungranted.sandbox.call('test.event', {}))
    assert.equal(error.kind, 'load')
    assert.match(error.message, /kv/)
  })

  test('http.fetch refuses undeclared origins, look-alikes, userinfo, other ports and private addresses', async ({ assert }) => {
    const { sandbox } = sandboxOf(
      handler(`const out = []
        for (const url of event.urls) { try { await http.fetch(url); out.push('allowed') } catch (e) { out.push(e.message) } }
        return out`, 'http'),
      { capabilities: { http: { origins: [{ origin: 'https://api.acme.com', methods: ['GET'] }, { origin: 'http://127.0.0.1:9', methods: ['GET'] }] } } }
    )
    const urls = ['https://evil.tld/x', 'https://api.acme.com.evil.tld/', 'https://api.acme.com@evil.tld/', 'https://user:pw@api.acme.com/', 'http://api.acme.com/', 'https://api.acme.com:8443/', 'http://127.0.0.1:9/']
    const answers = (await sandbox.call('test.event', { urls })) as string[]
    for (const [index, answer] of answers.entries()) {
      assert.match(answer, /not a declared origin|private address/, urls[index])
    }
    assert.match(answers[6], /private address/)
    sandbox.dispose()
  })

  test('kv keeps values per installation within its quota', async ({ assert }) => {
    const script = handler(`if (event.clear) { await kv.delete('big'); await kv.delete('a'); return }
      await kv.set('a', { n: 1 }); let over = false
      try { await kv.set('big', 'x'.repeat(200)) } catch (e) { over = e.message }
      return { a: await kv.get('a'), over }`, 'kv')
    const { sandbox } = sandboxOf(script, { capabilities: { kv: { quotaBytes: 100 } } })
    await sandbox.call('test.event', { clear: true })
    const out = (await sandbox.call('test.event', {})) as { a: string; over: string }
    assert.equal(out.a, '{"n":1}')
    assert.match(out.over, /quota/)
    await sandbox.call('test.event', { clear: true })
    sandbox.dispose()
  })

  test('secrets go into fetch headers on the host and are never readable by the script', async ({ assert }) => {
    // A local API that echoes nothing back: what arrives in its headers is what the host filled in.
    const received: string[] = []
    const server = createServer((request, response) => {
      received.push(String(request.headers.authorization))
      response.end('ok')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const { sandbox } = sandboxOf(
        handler(`const answer = await http.fetch(event.url, { secretHeaders: { authorization: 'Bearer {API_KEY}' } })
          return { answer, keys: Object.keys(globalThis), named: (() => { try { return typeof API_KEY } catch (e) { return e.name } })() }`, 'http'),
        { secrets: ['API_KEY'], capabilities: { http: { origins: [{ origin, methods: ['GET'] }] } } },
        { secrets: { API_KEY: 's3cret' } },
        ['127.0.0.1']
      )
      const out = JSON.stringify(await sandbox.call('test.event', { url: `${origin}/hook` }))
      assert.deepEqual(received, ['Bearer s3cret'])
      assert.include(out, '"body":"ok"')
      assert.notInclude(out, 's3cret')
      sandbox.dispose()
    } finally {
      server.close()
    }
  })
})
