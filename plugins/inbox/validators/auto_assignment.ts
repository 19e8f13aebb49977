import vine from '@vinejs/vine'

/**
 * The workspace's auto-assignment: on or off, how many open and pending conversations an agent
 * may hold before they are skipped, and optionally only a team's members.
 */
export const autoAssignmentValidator = vine.compile(
  vine.object({
    enabled: vine.boolean().optional(),
    capacity: vine.number().withoutDecimals().min(1).max(1000),
    teamId: vine.number().withoutDecimals().positive().max(2_147_483_647).nullable().optional(),
  })
)
