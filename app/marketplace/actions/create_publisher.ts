import { createHash, createPublicKey, randomBytes } from 'node:crypto'
import MarketplacePublisher from '#marketplace/models/publisher'
import { keyIdOf } from '#marketplace/package'

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex')

/** Registers a publisher of this instance's registry with its Ed25519 public key; returns the upload token (shown once). */
export async function createPublisher(name: string, publicKeyPem: string) {
  const key = createPublicKey(publicKeyPem)
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('A publisher key must be an Ed25519 public key')
  const token = `mkp_${randomBytes(24).toString('base64url')}`
  const publisher = await MarketplacePublisher.create({
    name,
    keyId: keyIdOf(key),
    publicKey: key.export({ type: 'spki', format: 'pem' }).toString(),
    tokenHash: tokenHash(token),
  })
  return { publisher, token }
}
