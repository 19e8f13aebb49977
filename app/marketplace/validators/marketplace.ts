import vine from '@vinejs/vine'
import { CATEGORIES, PACKAGE_ID, PLATFORM_LIMITS, type Manifest } from '#marketplace/manifest'

export const browseValidator = vine.compile(
  vine.object({
    q: vine.string().trim().maxLength(100).optional(),
    category: vine.enum(CATEGORIES).optional(),
  })
)

export const installValidator = vine.compile(
  vine.object({
    version: vine.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/).optional(),
    consent: vine.boolean().optional(),
  })
)

export const statusValidator = vine.compile(vine.object({ enabled: vine.boolean() }))

export const uninstallValidator = vine.compile(vine.object({ deleteData: vine.boolean().optional() }))

export const deprecateValidator = vine.compile(vine.object({ message: vine.string().trim().minLength(1).maxLength(300).nullable() }))

export const trustedKeyValidator = vine.compile(
  vine.object({
    publisher: vine.string().trim().minLength(2).maxLength(120),
    publicKey: vine.string().trim().maxLength(2000),
  })
)

/** A limit the organization may set: a whole number up to the instance maximum; empty = the default. */
const limit = (min: number, max: number) => vine.number().withoutDecimals().min(min).max(max).nullable().optional()

/** The organization's per-call limits (payload in KB on the form, bytes in the runtime). */
export const organizationLimitsValidator = vine.compile(
  vine.object({
    memoryMb: limit(8, PLATFORM_LIMITS.memoryMb),
    cpuMs: limit(1, PLATFORM_LIMITS.cpuMs),
    wallMs: limit(1, PLATFORM_LIMITS.wallMs),
    subrequests: limit(0, PLATFORM_LIMITS.subrequests),
    payloadKb: limit(1, PLATFORM_LIMITS.payloadBytes / 1024),
  })
)

/** The settings form of one package, from its manifest's settings schema. */
export function settingsValidator(manifest: Manifest) {
  const fields = Object.fromEntries(
    (manifest.settings ?? []).map((setting) => [
      setting.key,
      setting.type === 'number' ? vine.number().optional() : setting.type === 'boolean' ? vine.boolean().optional() : vine.string().trim().maxLength(2000).optional(),
    ])
  )
  return vine.compile(vine.object(fields))
}

/** Its secrets form: write-only, an empty field keeps what is stored. */
export function secretsValidator(manifest: Manifest) {
  return vine.compile(vine.object(Object.fromEntries((manifest.secrets ?? []).map((name) => [name, vine.string().maxLength(4000).optional()]))))
}

/** The operator blocks (with an optional reason shown to admins and publishers) or unblocks a package. */
export const blockValidator = vine.compile(
  vine.object({
    params: vine.object({ package: vine.string().regex(PACKAGE_ID).maxLength(120) }),
    reason: vine.string().trim().maxLength(300).optional(),
  })
)
