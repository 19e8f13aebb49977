import { generateKeyPairSync } from 'node:crypto'
import type { Manifest } from '#marketplace/manifest'

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
