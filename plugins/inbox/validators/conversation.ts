import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'

// Ids past their column's range would reach Postgres as an error (500): a 422 instead.
const id = vine.number().withoutDecimals().positive().max(Number.MAX_SAFE_INTEGER)
const int4Id = vine.number().withoutDecimals().positive().max(2_147_483_647)

export const CONVERSATION_VIEWS = ['mine', 'unassigned', 'all'] as const
export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const

/** The list's filters (query string of GET /inbox, and of a conversation page for the list beside it). */
const listFields = {
  view: vine.enum(CONVERSATION_VIEWS).optional(),
  status: vine.enum(CONVERSATION_STATUSES).optional(),
  channel: int4Id.clone().optional(),
  assignee: int4Id.clone().optional(),
  team: int4Id.clone().optional(),
  q: vine.string().trim().maxLength(100).optional(),
}

export const listConversationsValidator = vine.compile(
  vine.object({
    ...listFields,
    // "<last activity in µs since the epoch>-<id>" of the last row shown (keyset pagination).
    cursor: vine.string().regex(/^\d{1,17}-\d{1,15}$/).optional(),
    // The conversation open beside the list (a conversation page loads its list so): its row is marked.
    current: id.clone().optional(),
  })
)

/** A conversation page: the list's filters, and `before` (a message id) for older messages. */
export const showConversationValidator = vine.compile(vine.object({ ...listFields, before: id.clone().optional() }))

/** GET …/row: one conversation's row of the list with these filters; `current` when it is the one open beside it. */
export const conversationRowValidator = vine.compile(vine.object({ ...listFields, current: vine.boolean().optional() }))

/**
 * POST …/assignment: `assigneeId` a member's user id, or empty (null) to unassign; and/or
 * `teamId` a team's id, or empty for no team. A field left out keeps what the conversation has
 * (one of them is needed: the controller says so).
 */
export const assignConversationValidator = vine.compile(
  vine.object({
    assigneeId: int4Id.clone().nullable().optional(),
    teamId: int4Id.clone().nullable().optional(),
  })
)

/** POST …/status; `snoozedUntil` is a datetime-local value ("2025-01-31T09:00"), in the workspace's time zone. */
export const changeStatusValidator = vine.compile(
  vine.object({
    status: vine.enum(CONVERSATION_STATUSES),
    snoozedUntil: vine
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/)
      .optional()
      .requiredWhen('status', '=', 'snoozed'),
  })
)

/** The list's filters as validated (the cursor only on GET /inbox). */
export type ListFilters = Omit<Infer<typeof listConversationsValidator>, 'current'>
