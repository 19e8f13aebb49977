/**
 * The HTTP request node: a customer's flow calling the business's own systems. Requests to
 * private, loopback and link-local addresses are refused (a flow must not reach into the
 * platform's network) unless BOTS_HTTP_ALLOW_PRIVATE is set; tests turn `httpPolicy.allowPrivate` on.
 */
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import env from '#start/env'

export const httpPolicy = { allowPrivate: env.get('BOTS_HTTP_ALLOW_PRIVATE', false) as boolean }

const PRIVATE_V4: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 (carrier NAT)
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local (cloud metadata)
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved
]

export function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const value = address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0)
    return PRIVATE_V4.some(([base, bits]) => value >>> (32 - bits) === base >>> (32 - bits))
  }
  const lower = address.toLowerCase()
  if (lower.startsWith('::ffff:')) return isPrivateAddress(lower.slice(7))
  return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower)
}

export interface HttpCall {
  method: string
  url: string
  headers: Record<string, string>
  body?: string
  timeoutMs: number
}

export type HttpOutcome = { ok: true; status: number; json: unknown } | { ok: false; error: string }

/** Performs the call; any failure (refused address, timeout, status ≥ 400) is an outcome, never a throw. */
export async function performRequest(call: HttpCall): Promise<HttpOutcome> {
  let url: URL
  try {
    url = new URL(call.url)
  } catch {
    return { ok: false, error: `not a URL: ${call.url}` }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: `only http and https URLs are allowed` }
  if (!httpPolicy.allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((entry) => entry.address)
    if (!addresses.length) return { ok: false, error: `${host} does not resolve` }
    if (addresses.some(isPrivateAddress)) return { ok: false, error: `${host} is a private address` }
  }
  try {
    const response = await fetch(url, {
      method: call.method,
      headers: { 'user-agent': 'Switchboard-Bot/1', ...(call.body ? { 'content-type': 'application/json' } : {}), ...call.headers },
      body: call.method === 'GET' || call.method === 'DELETE' ? undefined : call.body,
      signal: AbortSignal.timeout(call.timeoutMs),
      redirect: 'error',
    })
    const text = await response.text()
    if (response.status >= 400) return { ok: false, error: `HTTP ${response.status}` }
    let json: unknown = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = null
    }
    return { ok: true, status: response.status, json }
  } catch (error) {
    const name = (error as Error).name
    return { ok: false, error: name === 'TimeoutError' ? `timed out after ${call.timeoutMs} ms` : (error as Error).message }
  }
}

/** A field of a JSON response by dotted path ("data.items.0.id"). */
export function pick(json: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as any)[key] : undefined), json)
}
