import { generateKeyPairSync } from 'node:crypto'
import type { Manifest } from '#marketplace/manifest'
import { CapabilityHost, type Installation } from '#sandbox/capabilities'
import { Sandbox } from '#sandbox/sandbox'
import { redisKv } from '#marketplace/runtime'

export const publisher = generateKeyPairSync('ed25519')
export const stranger = generateKeyPairSync('ed25519')
export const trusted = [{ publisher: 'Acme', publicKey: publisher.publicKey }]

/** A valid manifest, with `overrides` merged over it. */
export function manifestOf(overrides: Partial<Manifest> = {}): Manifest {
  return {
    id: 'com.acme.test-package',
    name: 'Test package',
    version: '1.0.0',
    description: 'A package the tests load.',
    author: { name: 'Acme' },
    category: 'utilities',
    engine: '>=0.1.0',
    hooks: ['test.event'],
    capabilities: { log: true },
    ...overrides,
  }
}

/** A sandbox for `script` (its default export's 'test.event' handler), granted what the manifest asks. */
export function sandboxOf(script: string, overrides: Partial<Manifest> = {}, installation: Partial<Installation> = {}, allowInternalHosts?: string[]) {
  const manifest = manifestOf(overrides)
  const logs: string[] = []
  const grants = new Set(Object.keys(manifest.capabilities) as (keyof Manifest['capabilities'])[])
  const host = new CapabilityHost(
    { workspaceId: 1, manifest, settings: {}, secrets: {}, ...installation },
    { kv: redisKv(manifest.id, installation.workspaceId ?? 1), log: (line) => logs.push(line), allowInternalHosts }
  )
  return { sandbox: new Sandbox({ manifest, script, grants, host }), logs }
}

/** The error `promise` rejects with, when it is a `type`; fails the test when it resolves. */
export async function rejection<E extends Error>(promise: Promise<unknown>, type: new (...args: any[]) => E): Promise<E> {
  try {
    await promise
  } catch (error) {
    if (error instanceof type) return error
    throw error
  }
  throw new Error('expected a rejection')
}
