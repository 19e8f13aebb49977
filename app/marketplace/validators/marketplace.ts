import vine from '@vinejs/vine'
import { CATEGORIES, type Manifest } from '#marketplace/manifest'

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
