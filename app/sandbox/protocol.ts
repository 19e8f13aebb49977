/**
 * What the host (web or worker process) and the sandbox runner child say to each other, and the
 * errors both sides share. Nothing here loads isolated-vm: the host imports this file, never the
 * isolate code (app/sandbox/sandbox.ts runs in the runner only).
 *
 * Messages are small JSON objects over the child's IPC channel, sent in batches (one array per
 * tick) so pipelined calls cost one write each way. Values cross as JSON strings: the runner never
 * parses an event or an answer, and the host parses what a script produced with
 * `parseFromSandbox` (size cap, `__proto__` & co. dropped).
 */
import type { Capability, Limits } from '#marketplace/manifest'

export type FaultKind = 'timeout' | 'cpu' | 'memory' | 'error' | 'load' | 'payload' | 'crash'

export class SandboxFault extends Error {
  constructor(
    readonly kind: FaultKind,
    message: string
  ) {
    super(message)
    this.name = 'SandboxFault'
  }
}

/** A refusal from a capability (not granted, over quota, origin not declared): the script sees it as an Error. */
export class CapabilityError extends Error {
  name = 'CapabilityError'
}

/** Per-call budget, kept by the host for the capabilities (sub-requests, wall deadline). */
export interface CallBudget {
  deadline: number
  subrequests: number
}

/** Everything the runner gets about an installation: no manifest, settings or secrets. */
export interface SandboxSpec {
  script: string
  grants: Capability[]
  limits: Limits
}

/** Host → runner. */
export type ToRunner =
  | { t: 'load'; key: string; spec: SandboxSpec }
  | { t: 'unload'; key: string }
  | { t: 'call'; id: number; key: string; hook: string; json: string }
  | { t: 'answer'; id: number; ok: boolean; out: string | undefined }
  | { t: 'stats'; id: number }
  | { t: 'ping' }

/** Runner → host. */
export type FromRunner =
  | { t: 'ready' }
  | { t: 'pong' }
  | { t: 'done'; id: number; ok: true; out: string | undefined }
  | { t: 'done'; id: number; ok: false; kind: FaultKind; message: string }
  /** A capability call made by the script of call `call`; the host answers with `answer` and the same id. */
  | { t: 'capability'; id: number; call: number; name: string; args: string }
  | { t: 'stats'; id: number; rss: number; heaps: Record<string, number> }

/** JSON.parse that drops `__proto__` / `constructor` / `prototype` keys (threat 10) and caps the size. */
export function parseFromSandbox(json: unknown, maxBytes: number): unknown {
  if (json === undefined) return undefined
  if (typeof json !== 'string') throw new SandboxFault('payload', 'the script returned something that is not JSON')
  if (json.length > maxBytes) throw new SandboxFault('payload', `the script's value is ${json.length} bytes, over the ${maxBytes}-byte limit`)
  return JSON.parse(json, (key, value) => (key === '__proto__' || key === 'constructor' || key === 'prototype' ? undefined : value))
}

/** A value as JSON within `maxBytes`; cyclic or oversized values are refused before anything is sent. */
export function toJson(value: unknown, what: string, maxBytes: number) {
  let json: string
  try {
    json = JSON.stringify(value ?? null)
  } catch (error) {
    throw new SandboxFault('payload', `${what} cannot be sent: ${(error as Error).message.split('\n')[0]}`)
  }
  if (json.length > maxBytes) throw new SandboxFault('payload', `${what} is ${json.length} bytes, over the ${maxBytes}-byte limit`)
  return json
}
