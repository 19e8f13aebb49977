import db from '@adonisjs/lucid/services/db'
import { escapeLike, orContactMatches } from '#messaging/services/contact_search'
import type { ListFilters } from '#inbox/validators/conversation'
import type { ConversationRow } from '#inbox/presenters'

/** Conversations per page of the list (the next page loads as the last row scrolls into view). */
export const LIST_PAGE = 25

/** The filters as the list applies them: the open conversations of every assignee unless asked otherwise. */
export function normalisedFilters(filters: ListFilters) {
  return { ...filters, view: filters.view ?? 'all', status: filters.status ?? 'open' }
}

/**
 * One page of a workspace's conversations for `userId`, newest activity first, with the
 * contact, the assignee's name and the last message (one index lookup per row, through
 * messages' (workspace_id, conversation_id, id) index).
 *
 * Keyset pagination: the cursor is the last row's (last_activity_at in µs, id), so a page is
 * found by the (workspace_id, status, last_activity_at) index whatever its depth, and a
 * conversation that moves up meanwhile is not shown twice.
 *
 * With `only`, that one conversation's row if it passes the filters (a live update of the list).
 * With `withUnread`, the workspace's count of unread conversations comes in the same round trip
 * (the tab title's; null otherwise).
 */
export async function listConversations(workspaceId: number, userId: number, query: ListFilters, { only, withUnread = false }: { only?: number; withUnread?: boolean } = {}) {
  const filters = normalisedFilters(query)
  const rows = db
    .from('conversations as c')
    .join('contacts as ct', (join) => join.on('ct.id', 'c.contact_id').andOn('ct.workspace_id', 'c.workspace_id'))
    .leftJoin('users as u', 'u.id', 'c.assignee_id')
    // The conversation's team (the inbox's table; at most one row per conversation).
    .leftJoin('inbox_conversation_teams as ict', (join) => join.on('ict.conversation_id', 'c.id').andOn('ict.workspace_id', 'c.workspace_id'))
    .leftJoin('inbox_teams as t', 't.id', 'ict.team_id')
    .joinRaw(
      `left join lateral (
         select m.type, m.content, m.direction, m.status from messages m
         where m.workspace_id = c.workspace_id and m.conversation_id = c.id
         order by m.id desc limit 1
       ) lm on true`
    )
    .where('c.workspace_id', workspaceId)
    .where('c.status', filters.status)
    // A contact a bulk delete hides (its undo window) is out of the list and search until undone.
    .whereNull('ct.hidden_by')
    .select(
      'c.id', 'c.status', 'c.unread_count', 'c.last_activity_at', 'c.snoozed_until', 'c.assignee_id', 'c.channel_id',
      'ct.name', 'ct.profile_name', 'ct.phone', 'u.full_name as assignee_name', 't.name as team_name',
      'lm.type as last_type', 'lm.content as last_content', 'lm.direction as last_direction', 'lm.status as last_status',
      db.raw('(extract(epoch from c.last_activity_at) * 1000000)::bigint as activity_us')
    )
    .orderBy('c.last_activity_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(LIST_PAGE + 1)

  // An uncorrelated subquery: counted once (an InitPlan), from the conversations_unread index.
  if (withUnread) rows.select(db.raw(`(${UNREAD_COUNT})::int as unread_total`, [workspaceId]))
  if (only) rows.where('c.id', only)
  if (filters.view === 'mine') rows.where('c.assignee_id', userId)
  else if (filters.view === 'unassigned') rows.whereNull('c.assignee_id')
  else if (filters.assignee) rows.where('c.assignee_id', filters.assignee)
  if (filters.channel) rows.where('c.channel_id', filters.channel)
  if (filters.team) rows.where('ict.team_id', filters.team)
  if (filters.q) {
    // Matching contacts and messages are found through their trigram indexes first; the
    // conversations then only check membership (rather than every open conversation searching
    // its own messages).
    const like = `%${escapeLike(filters.q)}%`
    rows.where((q) =>
      q
        .whereIn('c.contact_id', (contacts) =>
          contacts
            .from('contacts')
            .select('id')
            .where('workspace_id', workspaceId)
            .where((match) => {
              orContactMatches(match, filters.q!)
            })
        )
        .orWhereIn('c.id', (messages) =>
          messages
            .from('messages')
            .select('conversation_id')
            .where('workspace_id', workspaceId)
            .whereRaw(`coalesce(content->>'body', content->>'caption') ilike ?`, [like])
        )
    )
  }
  if (filters.cursor) {
    const [micros, id] = filters.cursor.split('-')
    rows.whereRaw(`(c.last_activity_at, c.id) < (timestamptz 'epoch' + ?::bigint * interval '1 microsecond', ?::bigint)`, [micros, id])
  }

  const found = (await rows) as (ConversationRow & { unread_total?: number })[]
  const page = found.slice(0, LIST_PAGE)
  const last = page.at(-1)
  // No row to carry the count (an empty list): asked for on its own.
  const unread = withUnread ? (found.length ? Number(found[0].unread_total) : await unreadConversations(workspaceId)) : null
  return { rows: page, cursor: found.length > LIST_PAGE && last ? `${last.activity_us}-${last.id}` : null, unread }
}

/** The count of a workspace's conversations with unread messages, not resolved (the tab title's). */
const UNREAD_COUNT = `select count(*) from conversations where workspace_id = ? and unread_count > 0 and status <> 'resolved'`

/** How many of the workspace's conversations have unread messages (the tab title's count). */
async function unreadConversations(workspaceId: number) {
  const { rows } = await db.rawQuery(UNREAD_COUNT, [workspaceId])
  return Number(rows[0].count)
}
