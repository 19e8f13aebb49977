/**
 * The host side of `switchboard:api`: what each capability does for one installation, always
 * within its workspace. Records and messages belong to kernel plugins (the core imports no
 * plugin), so the CRM and messaging register their bindings here from their `setup()`.
 */
import http from 'node:http'
import https from 'node:https'
import { guardedLookup, isForbiddenAddress, literalAddress } from '#core/address_guard'
import { DEFAULT_LIMITS, type Capability, type Manifest } from '#marketplace/manifest'
import { CapabilityError, type CallBudget } from '#sandbox/protocol'

export interface RecordsBinding {
  /** The contact of this workspace (plain data), or null. */
  getContact(workspaceId: number, contactId: number): Promise<Record<string, unknown> | null>
  /** Tags (added) or untags a contact of this workspace by tag name; false when nothing changed. */
  tagContact(workspaceId: number, contactId: number, tag: string, added: boolean): Promise<boolean>
}

export interface MessagesBinding {
  /** Sends a text in a conversation of this workspace through the normal outbound pipeline (author 'plugin'). */
  sendText(workspaceId: number, conversationId: number, text: string, packageId: string): Promise<{ id: number }>
}

export const capabilityBindings: { records?: RecordsBinding; messages?: MessagesBinding } = {}

/** The installation a host serves: its workspace, grants, settings and (host-only) secrets. */
export interface Installation {
  workspaceId: number
  manifest: Manifest
  /** The capabilities the admin consented to (a subset of the manifest's). */
  grants: ReadonlySet<Capability>
  settings: Record<string, unknown>
  secrets: Record<string, string>
}

export interface KvStore {
  get(key: string): Promise<string | null>
  /** Sets within `quotaBytes` (keys + values); false when over quota. */
  set(key: string, value: string, quotaBytes: number): Promise<boolean>
  delete(key: string): Promise<void>
}

export interface LogSink {
  (line: string): void
}

export interface HostOptions {
  kv: KvStore
  log: LogSink
  /** Hosts the operator allows even though they resolve to private addresses (e.g. a local test server). */
  allowInternalHosts?: string[]
}

const MAX_RESPONSE_BYTES = DEFAULT_LIMITS.payloadBytes
const MAX_REDIRECTS = 3

export class CapabilityHost {
  constructor(
    readonly installation: Installation,
    readonly options: HostOptions
  ) {}

  get #caps() {
    return this.installation.manifest.capabilities
  }

  invoke(name: string, args: unknown[], budget: CallBudget): Promise<unknown> | unknown {
    const { workspaceId, grants } = this.installation
    // The runner refuses ungranted calls too; this side is the one a broken runner cannot skip.
    if (!grants.has(name.split('.')[0] as Capability)) throw new CapabilityError(`the "${name.split('.')[0]}" capability was not granted`)
    switch (name) {
      case 'log':
        this.options.log(args.map(String).join(' ').slice(0, 2000))
        return undefined
      case 'settings.get':
        return this.#setting(String(args[0]))
      case 'kv.get':
        return this.options.kv.get(key(args[0]))
      case 'kv.set':
        return this.#kvSet(key(args[0]), args[1])
      case 'kv.delete':
        return this.options.kv.delete(key(args[0]))
      case 'records.contacts.get':
        this.#records('read')
        return capabilityBindings.records!.getContact(workspaceId, id(args[0]))
      case 'records.contacts.tag':
        this.#records('tag')
        return capabilityBindings.records!.tagContact(workspaceId, id(args[0]), text(args[1], 60), args[2] === true)
      case 'messages.send':
        if (!this.#caps.messages?.send || !capabilityBindings.messages) throw new CapabilityError('messages.send is not available')
        return capabilityBindings.messages.sendText(workspaceId, id(args[0]), text(args[1], 4096), this.installation.manifest.id)
      case 'http.fetch':
        return this.#fetch(args[0], args[1], budget)
      case 'sleep':
        return this.#sleep(Number(args[0]), budget)
      default:
        throw new CapabilityError(`unknown capability "${name}"`)
    }
  }

  #setting(name: string) {
    const declared = this.installation.manifest.settings?.find((setting) => setting.key === name)
    if (!declared) throw new CapabilityError(`no setting "${name}" in the manifest`)
    return this.installation.settings[name] ?? declared.default ?? null
  }

  async #kvSet(name: string, value: unknown) {
    const json = JSON.stringify(value ?? null)
    if (!(await this.options.kv.set(name, json, this.#caps.kv!.quotaBytes))) throw new CapabilityError(`kv quota of ${this.#caps.kv!.quotaBytes} bytes exceeded`)
  }

  #records(access: 'read' | 'tag') {
    if (!this.#caps.records?.contacts.includes(access)) throw new CapabilityError(`records: contacts "${access}" was not requested`)
    if (!capabilityBindings.records) throw new CapabilityError('records are not available on this instance (the CRM is not installed)')
  }

  async #sleep(ms: number, budget: CallBudget) {
    const cap = this.#caps.sleep!.maxMs
    if (!Number.isFinite(ms) || ms < 0) throw new CapabilityError('sleep takes a number of milliseconds')
    // Capped by the manifest and by what is left of the call's wall budget.
    const wait = Math.min(ms, cap, Math.max(0, budget.deadline - performance.now()))
    await new Promise((resolve) => setTimeout(resolve, wait))
  }

  /**
   * Only declared origins (compared after URL parsing: userinfo, port, punycode and scheme all
   * count) and methods; every redirect checked again; addresses resolved at connect time and
   * private ranges refused there (no DNS-rebinding gap); secrets filled into headers here.
   */
  async #fetch(rawUrl: unknown, rawInit: unknown, budget: CallBudget) {
    const init = (typeof rawInit === 'object' && rawInit !== null ? rawInit : {}) as Record<string, unknown>
    const method = String(init.method ?? 'GET').toUpperCase()
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, unknown>)) headers[name.toLowerCase()] = String(value)
    for (const [name, template] of Object.entries((init.secretHeaders ?? {}) as Record<string, unknown>)) {
      headers[name.toLowerCase()] = String(template).replace(/\{([A-Z][A-Z0-9_]*)\}/g, (_, secret: string) => {
        if (!this.installation.manifest.secrets?.includes(secret) || !(secret in this.installation.secrets)) throw new CapabilityError(`no secret named ${secret}`)
        return this.installation.secrets[secret]
      })
    }
    const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
    let url = this.#allowed(rawUrl, method)
    for (let hop = 0; ; hop++) {
      if (budget.subrequests-- <= 0) throw new CapabilityError(`over the sub-request limit of this call`)
      const response = await this.#request(url, method, headers, body, budget)
      if (response.status >= 300 && response.status < 400 && response.location) {
        if (hop >= MAX_REDIRECTS) throw new CapabilityError('too many redirects')
        url = this.#allowed(new URL(response.location, url).href, method)
        continue
      }
      return { status: response.status, headers: response.headers, body: response.body }
    }
  }

  #allowed(rawUrl: unknown, method: string): URL {
    let url: URL
    try {
      url = new URL(String(rawUrl))
    } catch {
      throw new CapabilityError('http.fetch: not a URL')
    }
    const rule = this.#caps.http?.origins.find((candidate) => candidate.origin === url.origin)
    if (!rule || url.username || url.password) throw new CapabilityError(`http.fetch: ${url.origin} is not a declared origin`)
    if (!(rule.methods as string[]).includes(method)) throw new CapabilityError(`http.fetch: ${method} is not declared for ${url.origin}`)
    return url
  }

  #request(url: URL, method: string, headers: Record<string, string>, body: string | undefined, budget: CallBudget) {
    const allowInternal = this.options.allowInternalHosts?.includes(url.hostname) ?? false
    const literal = literalAddress(url)
    if (literal && isForbiddenAddress(literal) && !allowInternal) throw new CapabilityError(`http.fetch: ${url.hostname} is a private address`)
    const lookup = allowInternal ? undefined : guardedLookup((hostname) => new CapabilityError(`http.fetch: ${hostname} resolves to a private address`))
    const timeout = Math.max(1, budget.deadline - performance.now())
    return new Promise<{ status: number; location?: string; headers: Record<string, string>; body: string }>((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(url, { method, headers, lookup, timeout }, (response) => {
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_RESPONSE_BYTES) {
            request.destroy()
            reject(new CapabilityError(`http.fetch: the response is over ${MAX_RESPONSE_BYTES} bytes`))
          } else chunks.push(chunk)
        })
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            location: response.headers.location,
            headers: { 'content-type': String(response.headers['content-type'] ?? '') },
            body: Buffer.concat(chunks).toString('utf8'),
          })
        )
        response.on('error', reject)
      })
      request.on('timeout', () => request.destroy(new CapabilityError('http.fetch: timed out')))
      request.on('error', (error) => reject(error instanceof CapabilityError ? error : new CapabilityError(`http.fetch failed: ${error.message}`)))
      request.end(body)
    })
  }
}

function key(value: unknown) {
  return text(value, 200)
}

function text(value: unknown, max: number) {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new CapabilityError(`expected a string of 1 to ${max} characters`)
  return value
}

function id(value: unknown) {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new CapabilityError('expected a positive integer id')
  return value as number
}
