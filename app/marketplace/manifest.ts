/**
 * A marketplace package's manifest.json: what it is, which hooks it taps, which capabilities it
 * asks for (and with which parameters), the limits it wants, its settings and the names of its
 * secrets. Validated with VineJS so an author reads which field is wrong and why.
 */
import vine, { errors } from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import semver from 'semver'

export const CATEGORIES = ['automation', 'crm', 'messaging', 'integrations', 'analytics', 'utilities'] as const
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
/** A package id: reverse-DNS, lower case (`com.example.hello`). */
export const PACKAGE_ID = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){2,}$/

/** The platform's ceilings: a manifest may ask for less, never more (docs/marketplace.md). */
export const PLATFORM_LIMITS = { memoryMb: 128, cpuMs: 1000, wallMs: 10_000, subrequests: 50, payloadBytes: 4 * 1_048_576, sleepMs: 5000, kvQuotaBytes: 1_048_576 }
/** Per call, unless the organization set its own (the threat list's suggested defaults; payload each way). */
export const DEFAULT_LIMITS = { memoryMb: 32, cpuMs: 50, wallMs: 1000, subrequests: 10, payloadBytes: 1_048_576 }

/** An origin as the URL parser normalises it (scheme, punycode host, explicit non-default port only). */
const origin = vine
  .string()
  .url({ require_protocol: true, protocols: ['https', 'http'] })
  .transform((value) => new URL(value).origin)

const manifestSchema = vine.object({
  id: vine.string().regex(PACKAGE_ID).maxLength(120),
  name: vine.string().trim().minLength(2).maxLength(80),
  version: vine.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/),
  description: vine.string().trim().minLength(10).maxLength(500),
  author: vine.object({ name: vine.string().trim().maxLength(120), email: vine.string().email().optional() }),
  homepage: vine.string().url({ require_protocol: true, protocols: ['https', 'http'] }).optional(),
  category: vine.enum(CATEGORIES),
  engine: vine.string().maxLength(60),
  hooks: vine.array(vine.string().regex(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/)).minLength(1).distinct(),
  capabilities: vine.object({
    log: vine.boolean().optional(),
    settings: vine.boolean().optional(),
    kv: vine.object({ quotaBytes: vine.number().withoutDecimals().min(1).max(PLATFORM_LIMITS.kvQuotaBytes) }).optional(),
    records: vine.object({ contacts: vine.array(vine.enum(['read', 'tag'] as const)).minLength(1).distinct() }).optional(),
    messages: vine.object({ send: vine.boolean() }).optional(),
    http: vine
      .object({ origins: vine.array(vine.object({ origin, methods: vine.array(vine.enum(HTTP_METHODS)).minLength(1).distinct() })).minLength(1).maxLength(10) })
      .optional(),
    sleep: vine.object({ maxMs: vine.number().withoutDecimals().min(1).max(PLATFORM_LIMITS.sleepMs) }).optional(),
  }),
  limits: vine
    .object({
      memoryMb: vine.number().withoutDecimals().min(8).max(PLATFORM_LIMITS.memoryMb).optional(),
      cpuMs: vine.number().withoutDecimals().min(1).max(PLATFORM_LIMITS.cpuMs).optional(),
      wallMs: vine.number().withoutDecimals().min(1).max(PLATFORM_LIMITS.wallMs).optional(),
      subrequests: vine.number().withoutDecimals().min(0).max(PLATFORM_LIMITS.subrequests).optional(),
    })
    .optional(),
  settings: vine
    .array(
      vine.object({
        key: vine.string().regex(/^[a-z][a-zA-Z0-9_]*$/),
        label: vine.string().trim().maxLength(120),
        type: vine.enum(['string', 'number', 'boolean'] as const),
        default: vine.any().optional(),
      })
    )
    .optional(),
  secrets: vine.array(vine.string().regex(/^[A-Z][A-Z0-9_]*$/)).distinct().optional(),
})

export type Manifest = Infer<typeof manifestSchema>
export type Capability = keyof Manifest['capabilities']
export type Limits = typeof DEFAULT_LIMITS

export const manifestValidator = vine.compile(manifestSchema)

export class ManifestError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid manifest.json: ${problems.join('; ')}`)
    this.name = 'ManifestError'
  }
}

/** The manifest, validated (VineJS shape plus the checks it cannot express), or a ManifestError listing every problem. */
export async function parseManifest(data: unknown): Promise<Manifest> {
  let manifest: Manifest
  try {
    manifest = await manifestValidator.validate(data)
  } catch (error) {
    if (error instanceof errors.E_VALIDATION_ERROR) {
      throw new ManifestError((error.messages as Array<{ field: string; message: string }>).map(({ field, message }) => `${field}: ${message}`))
    }
    throw error
  }
  const problems: string[] = []
  if (semver.validRange(manifest.engine) === null) problems.push(`engine: "${manifest.engine}" is not a semver range`)
  const keys = (manifest.settings ?? []).map((setting) => setting.key)
  if (new Set(keys).size !== keys.length) problems.push('settings: two settings share a key')
  if (problems.length) throw new ManifestError(problems)
  return manifest
}

/**
 * The limits a call runs under: what the manifest asks for, at most what the organization allows
 * (its own figures, or the defaults), which is at most the instance's maximum.
 */
export function limitsOf(manifest: Manifest, organization: Partial<Limits> = {}): Limits {
  const asked: Partial<Limits> = manifest.limits ?? {}
  const limits = { ...DEFAULT_LIMITS }
  for (const name of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const allowed = Math.min(organization[name] ?? DEFAULT_LIMITS[name], PLATFORM_LIMITS[name])
    limits[name] = Math.min(asked[name] ?? allowed, allowed)
  }
  return limits
}

/** The capabilities a manifest asks for, by name. */
export function requestedCapabilities(manifest: Manifest): Capability[] {
  return (Object.keys(manifest.capabilities) as Capability[]).filter((name) => manifest.capabilities[name] !== undefined && manifest.capabilities[name] !== false)
}
