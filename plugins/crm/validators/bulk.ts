import vine from '@vinejs/vine'

const int4Id = vine.number().withoutDecimals().positive().max(2_147_483_647)

/** How many checked rows one request may name (more: "select all N matching" sends the filter). */
export const MAX_SELECTION = 1000

/**
 * A bulk action from the list's bar: the action and its argument, and either the checked rows
 * (`ids`) or `all` with the list's search and filter (or segment). What the argument must be
 * (a tag of the workspace, a member, a valid value for the field) is checked by
 * services/bulk_actions.ts `bulkParams`.
 */
export const bulkValidator = vine.compile(
  vine.object({
    action: vine.enum(['tag', 'untag', 'set_field', 'owner', 'opt_out', 'delete'] as const),
    ids: vine.array(int4Id.clone()).minLength(1).maxLength(MAX_SELECTION).distinct().optional().requiredIfMissing('all'),
    all: vine.boolean().optional(),
    q: vine.string().trim().maxLength(100).optional(),
    filter: vine.string().maxLength(8000).optional(),
    segment: int4Id.clone().optional(),
    tagId: int4Id.clone().optional().requiredWhen('action', 'in', ['tag', 'untag']),
    field: vine.string().regex(/^(name|email|cf\.[a-z][a-z0-9_]{0,39})$/).optional().requiredWhen('action', '=', 'set_field'),
    value: vine.any().optional(),
    ownerId: int4Id.clone().nullable().optional(),
  })
)
