import vine from '@vinejs/vine'

/** A merge: the contact merged into this one (`with`), and per field which side's value wins (`winners[name]`, `winners[cf.plan]`…). */
export const mergeValidator = vine.compile(
  vine.object({
    with: vine.number().withoutDecimals().positive().max(2_147_483_647),
    winners: vine.record(vine.enum(['primary', 'other'] as const)).optional(),
  })
)

/** The merge screen: which contact is merged into the one in the URL. */
export const mergeScreenValidator = vine.compile(vine.object({ with: vine.number().withoutDecimals().positive().max(2_147_483_647) }))
