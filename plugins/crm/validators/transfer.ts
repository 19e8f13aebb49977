import vine from '@vinejs/vine'
import { getCountries } from 'libphonenumber-js'
import { MAX_SELECTION } from '#crm/validators/bulk'

/**
 * The upload: its size only. What it is comes from its bytes, not its name or the browser's type
 * (services/import_file.ts reads .xlsx by signature, text as CSV, and refuses the rest saying why).
 */
export const uploadImportValidator = vine.compile(vine.object({ file: vine.file({ size: '20mb' }) }))

const target = vine.string().regex(/^(|name|phone|email|tags|cf\.[a-z][a-z0-9_]{0,39})$/)

/** The mapping screen: a target per column, the default country, the duplicate policy, tags to apply. */
export const importOptionsValidator = vine.compile(
  vine.object({
    mapping: vine.array(target.clone().optional()).maxLength(200),
    country: vine.enum(getCountries()).optional(),
    policy: vine.enum(['skip', 'update', 'create'] as const),
    tagIds: vine.array(vine.number().withoutDecimals().positive().max(2_147_483_647)).maxLength(50).optional(),
  })
)

/** An export of what the list shows (its search, filter (JSON) or segment) or of its checked rows (`ids`), and the format. */
export const exportValidator = vine.compile(
  vine.object({
    format: vine.enum(['csv', 'xlsx'] as const),
    q: vine.string().trim().maxLength(100).optional(),
    filter: vine.string().maxLength(8000).optional(),
    segment: vine.number().withoutDecimals().positive().max(2_147_483_647).optional(),
    ids: vine.array(vine.number().withoutDecimals().positive().max(2_147_483_647)).minLength(1).maxLength(MAX_SELECTION).distinct().optional(),
  })
)
