import vine from '@vinejs/vine'

/** Import a flow's JSON: pasted, or a .json file (its graph is checked by services/flow_schema.ts). */
export const importFlowValidator = vine.compile(
  vine.object({
    name: vine.string().trim().maxLength(120).optional(),
    json: vine.string().trim().maxLength(1_000_000).optional().requiredIfMissing('file'),
    file: vine.file({ size: '1mb', extnames: ['json'] }).optional(),
  })
)

/** Switch a flow's triggers on or off. */
export const flowEnabledValidator = vine.compile(vine.object({ enabled: vine.boolean() }))

/** The flows list's page. */
export const flowListValidator = vine.compile(vine.object({ page: vine.number().withoutDecimals().min(1).max(100_000).optional() }))
