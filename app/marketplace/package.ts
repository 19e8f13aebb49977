/**
 * Marketplace packages: a gzipped tar of manifest.json, script.js and optional README.md / icon,
 * plus SIGNATURE.json, which lists the SHA-256 of every other file and an Ed25519 signature
 * (node:crypto) over that list, the package's id and version and the signing key's id.
 *
 *   const tgz = await packPackage(files, privateKey)
 *   const pkg = await verifyPackage(tgz, trustedKeys)   // throws PackageRefused with the reason
 *
 * Verification trusts nothing in the archive before the signature checks out against a key the
 * organization configured; every file must be listed and match, and nothing unlisted may ride along.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { Readable } from 'node:stream'
import { gunzipSync, gzipSync } from 'node:zlib'
import semver from 'semver'
import { Header } from 'tar'
import { parseManifest, ManifestError, type Manifest } from '#marketplace/manifest'

export const SIGNATURE_FILE = 'SIGNATURE.json'
/** The files a package may hold; anything else is refused (no hidden payloads). */
const ALLOWED = /^(manifest\.json|script\.js|README\.md|icon\.(png|svg))$/
const MAX_FILE_BYTES = { 'script.js': 1_048_576, default: 262_144 }
const MAX_ARCHIVE_BYTES = 4 * 1_048_576

export interface TrustedKey {
  /** The publisher the key belongs to (shown to admins). */
  publisher: string
  publicKey: KeyObject | string
}

export interface VerifiedPackage {
  manifest: Manifest
  script: string
  files: Map<string, Buffer>
  keyId: string
  publisher: string
}

/** Why a package was refused: `reason` is a stable code, the message says it in words. */
export class PackageRefused extends Error {
  constructor(
    readonly reason: 'malformed' | 'unsigned' | 'unknown_signer' | 'bad_signature' | 'tampered' | 'invalid_manifest' | 'engine' | 'downgrade',
    message: string
  ) {
    super(message)
    this.name = 'PackageRefused'
  }
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')

/** A key's id: the first 16 hex digits of the SHA-256 of its SPKI encoding. */
export function keyIdOf(key: KeyObject | string) {
  const publicKey = typeof key === 'string' || key.type === 'private' ? createPublicKey(key) : key
  return sha256(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16)
}

/** The bytes the signature covers: canonical JSON (files sorted by name). */
function signedPayload(id: string, version: string, keyId: string, files: Record<string, string>) {
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)))
  return Buffer.from(JSON.stringify({ id, version, keyId, files: sorted }))
}

/* ------------------------------------------------------------------ tar (ustar, regular files only) */

function tarOf(files: Map<string, Buffer>): Buffer {
  const blocks: Buffer[] = []
  for (const [path, data] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const header = Buffer.alloc(512)
    new Header({ path, mode: 0o644, size: data.length, mtime: new Date(0), type: 'File', uid: 0, gid: 0 }).encode(header)
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}

function untar(archive: Buffer): Map<string, Buffer> {
  let tar: Buffer
  try {
    tar = gunzipSync(archive, { maxOutputLength: MAX_ARCHIVE_BYTES })
  } catch {
    throw new PackageRefused('malformed', 'The package is not a gzipped tar archive (or unpacks over 4 MB)')
  }
  const files = new Map<string, Buffer>()
  let offset = 0
  while (offset + 512 <= tar.length) {
    const block = tar.subarray(offset, offset + 512)
    if (block.every((byte) => byte === 0)) break
    const header = new Header(block)
    if (!header.cksumValid) throw new PackageRefused('malformed', 'The archive has a corrupt header')
    const path = (header.path ?? '').replace(/^\.\//, '')
    if (header.type !== 'File' || !(path === SIGNATURE_FILE || ALLOWED.test(path))) {
      throw new PackageRefused('malformed', `The archive holds "${path}", which a package may not contain`)
    }
    const size = header.size ?? 0
    const max = MAX_FILE_BYTES[path as keyof typeof MAX_FILE_BYTES] ?? MAX_FILE_BYTES.default
    if (size > max) throw new PackageRefused('malformed', `${path} is ${size} bytes, over its ${max}-byte limit`)
    if (files.has(path)) throw new PackageRefused('malformed', `${path} appears twice in the archive`)
    files.set(path, Buffer.from(tar.subarray(offset + 512, offset + 512 + size)))
    offset += 512 + Math.ceil(size / 512) * 512
  }
  return files
}

/* ------------------------------------------------------------------ pack and verify */

/**
 * Packs and signs: `files` maps names (manifest.json, script.js, README.md, icon.*) to contents.
 * The manifest is validated first, so a package that packs is one that installs.
 */
export async function packPackage(files: Record<string, Buffer | string>, privateKey: KeyObject | string): Promise<Buffer> {
  const contents = new Map(Object.entries(files).map(([path, data]) => [path, Buffer.from(data)]))
  for (const path of contents.keys()) if (!ALLOWED.test(path)) throw new PackageRefused('malformed', `A package may not contain "${path}"`)
  if (!contents.has('manifest.json') || !contents.has('script.js')) throw new PackageRefused('malformed', 'A package needs manifest.json and script.js')
  const manifest = await readManifest(contents.get('manifest.json')!)
  const keyId = keyIdOf(privateKey)
  const hashes = Object.fromEntries([...contents].map(([path, data]) => [path, sha256(data)]))
  const signature = sign(null, signedPayload(manifest.id, manifest.version, keyId, hashes), privateKey).toString('base64')
  contents.set(SIGNATURE_FILE, Buffer.from(JSON.stringify({ algorithm: 'ed25519', keyId, files: hashes, signature }, null, 2)))
  return gzipSync(tarOf(contents))
}

async function readManifest(data: Buffer) {
  let json: unknown
  try {
    json = JSON.parse(data.toString('utf8'))
  } catch {
    throw new PackageRefused('invalid_manifest', 'manifest.json is not valid JSON')
  }
  try {
    return await parseManifest(json)
  } catch (error) {
    if (error instanceof ManifestError) throw new PackageRefused('invalid_manifest', error.message)
    throw error
  }
}

export interface VerifyOptions {
  /** The platform's version, checked against the manifest's engine range. */
  engineVersion?: string
  /** The version installed now: an older package is a downgrade and refused. */
  installedVersion?: string
}

/** The package's contents once its signature and every hash check out, or PackageRefused saying why. */
export async function verifyPackage(archive: Buffer | Readable, trusted: TrustedKey[], options: VerifyOptions = {}): Promise<VerifiedPackage> {
  const files = untar(Buffer.isBuffer(archive) ? archive : Buffer.concat(await archive.toArray()))
  const signatureFile = files.get(SIGNATURE_FILE)
  if (!signatureFile) throw new PackageRefused('unsigned', 'The package is not signed (no SIGNATURE.json)')
  let claim: { algorithm?: unknown; keyId?: unknown; files?: unknown; signature?: unknown }
  try {
    claim = JSON.parse(signatureFile.toString('utf8'))
  } catch {
    throw new PackageRefused('unsigned', 'SIGNATURE.json is not valid JSON')
  }
  if (claim.algorithm !== 'ed25519' || typeof claim.keyId !== 'string' || typeof claim.signature !== 'string' || !isHashList(claim.files)) {
    throw new PackageRefused('unsigned', 'SIGNATURE.json lacks an ed25519 signature, key id or file list')
  }
  const key = trusted.find((candidate) => keyIdOf(candidate.publicKey) === claim.keyId)
  if (!key) throw new PackageRefused('unknown_signer', `Signed with key ${claim.keyId}, which is not among this organization's trusted publisher keys`)

  // The signature covers id and version too: read them from the manifest as listed (the hash check below pins it).
  const manifestBytes = files.get('manifest.json')
  let declared: { id?: unknown; version?: unknown } = {}
  try {
    declared = JSON.parse(manifestBytes?.toString('utf8') ?? '{}')
  } catch {}
  const payload = signedPayload(String(declared.id), String(declared.version), claim.keyId, claim.files)
  const publicKey = typeof key.publicKey === 'string' ? createPublicKey(key.publicKey) : key.publicKey
  if (!verify(null, payload, publicKey, Buffer.from(claim.signature, 'base64'))) {
    throw new PackageRefused('bad_signature', `The signature does not match the package's file list (key ${claim.keyId})`)
  }
  for (const [path, data] of files) {
    if (path === SIGNATURE_FILE) continue
    if (!(path in claim.files)) throw new PackageRefused('tampered', `${path} is not in the signed file list`)
    if (sha256(data) !== claim.files[path]) throw new PackageRefused('tampered', `${path} does not match its signed SHA-256`)
  }
  for (const path of Object.keys(claim.files)) if (!files.has(path)) throw new PackageRefused('tampered', `${path} is signed but missing`)
  if (!manifestBytes || !files.has('script.js')) throw new PackageRefused('malformed', 'A package needs manifest.json and script.js')

  const manifest = await readManifest(manifestBytes)
  if (options.engineVersion && !semver.satisfies(options.engineVersion, manifest.engine, { includePrerelease: true })) {
    throw new PackageRefused('engine', `The package needs Switchboard ${manifest.engine}; this instance runs ${options.engineVersion}`)
  }
  if (options.installedVersion && semver.lt(manifest.version, options.installedVersion)) {
    throw new PackageRefused('downgrade', `Version ${manifest.version} is older than the installed ${options.installedVersion}`)
  }
  return { manifest, script: files.get('script.js')!.toString('utf8'), files, keyId: claim.keyId, publisher: key.publisher }
}

function isHashList(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.entries(value).every(([path, hash]) => ALLOWED.test(path) && typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash))
  )
}
