/**
 * What the `marketplace:*` authoring commands do, as functions the tests call too: scaffold a
 * package folder, bundle its script with esbuild (everything but `switchboard:api` inlined into
 * one ES module), pack and sign it with the author's local Ed25519 key, publish it to a registry,
 * and run it in the real sandbox (through the marketplace runtime) against fixture events with
 * recording stand-ins for records and messages (a dry run: nothing in any workspace changes).
 */
import { generateKeyPairSync, createPrivateKey, createPublicKey } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { homedir } from 'node:os'
import { build } from 'esbuild'
import app from '@adonisjs/core/services/app'
import { keyIdOf, packPackage } from '#marketplace/package'
import { parseManifest, requestedCapabilities, type Manifest } from '#marketplace/manifest'
import { capabilityBindings } from '#sandbox/capabilities'
import { marketplace, redisKv } from '#marketplace/runtime'
import { hooks } from '#hooks/bus'

/** Where an author's signing key lives unless `--key` says otherwise (outside any repository). */
export const DEFAULT_KEY_PATH = join(homedir(), '.config', 'switchboard', 'marketplace_ed25519.pem')

const ENTRIES = ['src/index.ts', 'src/index.js', 'script.js']

export async function scaffold(dir: string, id: string) {
  if (existsSync(join(dir, 'manifest.json'))) throw new Error(`${dir} already holds a package`)
  const name = id.split('.').at(-1)!.replace(/-/g, ' ')
  const manifest = {
    id,
    name: name[0].toUpperCase() + name.slice(1),
    version: '0.1.0',
    description: 'Describe in one sentence what it does for a workspace.',
    author: { name: 'You' },
    category: 'utilities',
    engine: '>=0.1.0',
    hooks: ['message.received'],
    capabilities: { log: true, settings: true },
    settings: [{ key: 'greeting', label: 'Greeting', type: 'string', default: 'Hello' }],
  }
  await parseManifest(manifest)
  await mkdir(join(dir, 'src'), { recursive: true })
  await mkdir(join(dir, 'fixtures'), { recursive: true })
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  await writeFile(
    join(dir, 'src', 'index.js'),
    `// @ts-check
/// <reference path="../switchboard-api.d.ts" />
import { log, settings } from 'switchboard:api'

export default {
  /** @param {{ workspaceId: number, messageId: number, conversationId: number, contactId: number, type: string, text?: string | null }} event */
  async 'message.received'(event) {
    log(String(await settings.get('greeting')), 'message', event.messageId, event.text ?? '')
  },
}
`
  )
  await writeFile(join(dir, 'README.md'), `# ${manifest.name}\n\nWhat it does, its settings, and what it may do.\n`)
  await writeFile(
    join(dir, 'fixtures', 'events.json'),
    JSON.stringify([{ hook: 'message.received', payload: { workspaceId: 1, messageId: 1, conversationId: 1, contactId: 1, channelId: 1, type: 'text', text: 'Hi' } }], null, 2) + '\n'
  )
  await writeFile(join(dir, 'switchboard-api.d.ts'), await readFile(app.makePath('marketplace', 'switchboard-api.d.ts')))
  await writeFile(join(dir, '.gitignore'), 'dist/\n')
  return manifest
}

export async function readPackageManifest(dir: string): Promise<Manifest> {
  return parseManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')))
}

/** One ES module: the entry and everything it imports, `switchboard:api` left as the only import. */
export async function bundle(dir: string) {
  const entry = ENTRIES.map((path) => join(dir, path)).find((path) => existsSync(path))
  if (!entry) throw new Error(`No entry: add ${ENTRIES.join(' or ')}`)
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['switchboard:api'],
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  })
  return result.outputFiles[0].text
}

/** The author's private key from `path`, created there (mode 600) when missing. */
export async function signingKey(path = DEFAULT_KEY_PATH) {
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync('ed25519')
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  }
  const privateKey = createPrivateKey(await readFile(path, 'utf8'))
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()
  return { privateKey, publicPem, keyId: keyIdOf(privateKey) }
}

/** Bundles, hashes and signs the package in `dir`; writes dist/<id>-<version>.tgz and returns it. */
export async function pack(dir: string, keyPath?: string) {
  const manifest = await readPackageManifest(dir)
  const files: Record<string, Buffer | string> = { 'manifest.json': await readFile(join(dir, 'manifest.json')), 'script.js': await bundle(dir) }
  for (const optional of ['README.md', 'icon.png', 'icon.svg']) if (existsSync(join(dir, optional))) files[optional] = await readFile(join(dir, optional))
  const key = await signingKey(keyPath)
  const archive = await packPackage(files, key.privateKey)
  const out = join(dir, 'dist', `${manifest.id}-${manifest.version}.tgz`)
  await mkdir(dirname(out), { recursive: true })
  await writeFile(out, archive)
  return { path: out, archive, manifest, keyId: key.keyId, publicPem: key.publicPem }
}

/** Uploads a packed archive to a registry's publisher API (`<registry>/api/packages`). */
export async function publish(archive: Buffer, registry: string, token: string) {
  const response = await fetch(`${registry.replace(/\/+$/, '')}/api/packages`, {
    method: 'POST',
    headers: { 'content-type': 'application/gzip', 'accept': 'application/json', 'authorization': `Bearer ${token}` },
    body: archive,
  })
  const body = (await response.json().catch(() => ({}))) as { data?: unknown; errors?: Array<{ message: string; code?: string }> }
  return { ok: response.ok, status: response.status, body }
}

export interface FixtureEvent {
  hook: string
  /** The payload, or a filter's context. */
  payload: Record<string, unknown>
  /** A filter hook's value (`message.beforeSend`: the draft). */
  value?: unknown
  /** Settings for this run (over the manifest's defaults). */
  settings?: Record<string, unknown>
}

export interface DryRunOutcome {
  hook: string
  ok: boolean
  error?: string
  /** What the hook ended with: a filter's `{ cancelled, value, reason? }`, a bail's answer. */
  result?: unknown
}

/** Emits a fixture event on the bus as its hook's kind wants: filtered, asked or emitted. */
async function runFixture(event: FixtureEvent, payload: Record<string, unknown>) {
  const kind = hooks.definitions().find((definition) => definition.name === event.hook)?.kind
  if (kind === 'filter') {
    const { cancelled, value, ...stopped } = await hooks.filter(event.hook as never, event.value as never, payload as never)
    return cancelled ? { cancelled, value, reason: (stopped as { reason: string }).reason } : { cancelled, value }
  }
  if (kind === 'bail') return hooks.ask(event.hook as never, payload as never)
  await hooks.emit(event.hook as never, payload as never)
  return undefined
}

/** The workspace id dry runs are installed under: no real workspace has it, so no plugin's tap runs beside the script. */
const DRY_RUN_WORKSPACE = -1

/**
 * Runs every fixture event through the package's handler in the real sandbox (the marketplace
 * runtime, installed for a workspace that does not exist), granted all it requests. `records` and
 * `messages` are recording stand-ins; `kv` is real but private to the dry run and emptied before and
 * after; http.fetch is real and as restricted as in production. Needs the app booted (the hooks).
 */
export async function dryRun(dir: string, events: FixtureEvent[], options: { secrets?: Record<string, string>; allowInternalHosts?: string[] } = {}) {
  const manifest = await readPackageManifest(dir)
  const pkg = { manifest, script: await bundle(dir), files: new Map<string, Buffer>(), keyId: 'dry-run', publisher: 'dry run' }
  const logs: string[] = []
  const calls: Array<{ capability: string; args: unknown[] }> = []
  const saved = { ...capabilityBindings }
  capabilityBindings.records = {
    getContact: async (_workspaceId, id) => (calls.push({ capability: 'records.contacts.get', args: [id] }), { id, name: 'Test Contact', phone: '+15550000000', email: null, locale: 'en', tags: [] }),
    tagContact: async (_workspaceId, id, tag, added) => (calls.push({ capability: added ? 'records.contacts.addTag' : 'records.contacts.removeTag', args: [id, tag] }), true),
  }
  capabilityBindings.messages = { sendText: async (_workspaceId, conversationId, text) => (calls.push({ capability: 'messages.send', args: [conversationId, text] }), { id: calls.length }) }
  const kv = redisKv(manifest.id, DRY_RUN_WORKSPACE)
  await kv.clear()
  const outcomes: DryRunOutcome[] = []
  try {
    for (const event of events) {
      const grants = requestedCapabilities(manifest)
      const state = marketplace.install({ workspaceId: DRY_RUN_WORKSPACE, pkg, grants, settings: event.settings ?? {}, secrets: options.secrets, allowInternalHosts: options.allowInternalHosts })
      // The bus records and skips a tap's fault: the installation's state tells.
      const result = await runFixture(event, { ...event.payload, workspaceId: DRY_RUN_WORKSPACE })
      logs.push(...state.logs)
      outcomes.push(state.faults ? { hook: event.hook, ok: false, error: state.lastFault?.message } : { hook: event.hook, ok: true, ...(result === undefined ? {} : { result }) })
    }
  } finally {
    marketplace.uninstall(manifest.id, DRY_RUN_WORKSPACE)
    await kv.clear()
    Object.assign(capabilityBindings, saved)
    if (!saved.records) delete capabilityBindings.records
    if (!saved.messages) delete capabilityBindings.messages
  }
  return { outcomes, logs, calls }
}
