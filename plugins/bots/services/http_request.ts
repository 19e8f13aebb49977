/**
 * The HTTP request node: a customer's flow calling the business's own systems. Requests to
 * private, loopback and link-local addresses are refused (a flow must not reach into the
 * platform's network) unless BOTS_HTTP_ALLOW_PRIVATE is set; tests turn `httpPolicy.allowPrivate` on.
 */
import { Agent, fetch } from 'undici'
import env from '#start/env'
import { guardedLookup, isForbiddenAddress, literalAddress } from '#core/address_guard'

export const httpPolicy = { allowPrivate: env.get('BOTS_HTTP_ALLOW_PRIVATE', false) as boolean }

/** Refused while connecting, so the address checked is the one connected to (no rebinding window). */
class PrivateAddress extends Error {}
const guarded = new Agent({ connect: { lookup: guardedLookup((hostname) => new PrivateAddress(`${hostname} is a private address`)) } })

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
  const literal = literalAddress(url)
  if (!httpPolicy.allowPrivate && literal && isForbiddenAddress(literal)) return { ok: false, error: `${literal} is a private address` }
  try {
    const response = await fetch(url, {
      method: call.method,
      headers: { 'user-agent': 'Switchboard-Bot/1', ...(call.body ? { 'content-type': 'application/json' } : {}), ...call.headers },
      body: call.method === 'GET' || call.method === 'DELETE' ? undefined : call.body,
      signal: AbortSignal.timeout(call.timeoutMs),
      redirect: 'error',
      ...(httpPolicy.allowPrivate ? {} : { dispatcher: guarded }),
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
    if (name === 'TimeoutError') return { ok: false, error: `timed out after ${call.timeoutMs} ms` }
    // fetch wraps connection errors ("fetch failed"): the refusal, or the resolver's, is the cause.
    const cause = (error as { cause?: Error }).cause
    if (cause instanceof PrivateAddress) return { ok: false, error: cause.message }
    if ((cause as { code?: string } | undefined)?.code === 'ENOTFOUND') return { ok: false, error: `${url.hostname} does not resolve` }
    return { ok: false, error: (error as Error).message }
  }
}

/** A field of a JSON response by dotted path ("data.items.0.id"). */
export function pick(json: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as any)[key] : undefined), json)
}
