import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import type { TimelineEntry } from '#crm/hooks'
import type { ContactEventData } from '#crm/models/contact_event'

/** One line of the timeline: the CRM's own (a change, a note, a conversation) or a plugin's. */
export type TimelineItem =
  | { at: Date; kind: 'change'; actor: string | null; data: ContactEventData }
  | { at: Date; kind: 'note'; actor: string | null; body: string }
  | { at: Date; kind: 'conversation'; channel: string; status: string; inbound: number; outbound: number; lastAt: Date }
  | { at: Date; kind: 'plugin'; entry: TimelineEntry }

const TIMELINE_PAGE = 30

/**
 * A contact's history, newest first, `limit` items older than `before`: changes of fields, tags
 * and consent (crm_contact_events), notes, each conversation with its messages counted in and
 * out, and what plugins add through the `crm.timeline` hook. Each source reads one index range
 * (workspace_id, contact_id, created_at); `cursor` is the time to ask for the next page with.
 */
export async function contactTimeline(workspaceId: number, contactId: number, before: Date | null = null, limit = TIMELINE_PAGE) {
  // One more than a page from each source tells whether there is an older page.
  const wanted = limit + 1
  const older = <Q extends { where: (...args: any[]) => Q }>(query: Q, column: string) => (before ? query.where(column, '<', before) : query)

  // The CRM's own rows of the contact (events, notes), newest first, with who wrote them.
  const ownRows = (table: string, userColumn: string, column: string) =>
    older(
      db
        .from(`${table} as r`)
        .leftJoin('users as u', 'u.id', `r.${userColumn}`)
        .where('r.workspace_id', workspaceId)
        .where('r.contact_id', contactId)
        .orderBy('r.created_at', 'desc')
        .limit(wanted)
        .select('r.created_at', `r.${column}`, 'u.full_name as actor'),
      'r.created_at'
    )

  // The sources are independent: read at once.
  const [events, notes, conversations, added] = await Promise.all([
    ownRows('crm_contact_events', 'actor_id', 'data'),
    ownRows('crm_notes', 'author_id', 'body'),
    older(
      db
        .from('conversations as c')
        .join('channels as ch', 'ch.id', 'c.channel_id')
        .joinRaw(
          `cross join lateral (
             select count(*) filter (where m.direction = 'inbound') as inbound, count(*) filter (where m.direction = 'outbound') as outbound
             from messages m where m.workspace_id = c.workspace_id and m.conversation_id = c.id
           ) counts`
        )
        .where('c.workspace_id', workspaceId)
        .where('c.contact_id', contactId)
        .orderBy('c.created_at', 'desc')
        .limit(wanted)
        .select('c.created_at', 'c.status', 'c.last_activity_at', 'ch.name as channel', 'counts.inbound', 'counts.outbound'),
      'c.created_at'
    ),
    hooks.filter('crm.timeline', [], { workspaceId, contactId, before, limit: wanted }),
  ])

  const items: TimelineItem[] = [
    ...events.map((row) => ({ at: row.created_at, kind: 'change' as const, actor: row.actor, data: row.data })),
    ...notes.map((row) => ({ at: row.created_at, kind: 'note' as const, actor: row.actor, body: row.body })),
    ...conversations.map((row) => ({
      at: row.created_at,
      kind: 'conversation' as const,
      channel: row.channel,
      status: row.status,
      inbound: Number(row.inbound),
      outbound: Number(row.outbound),
      lastAt: row.last_activity_at,
    })),
    // A plugin's entries are taken as given, but only where they belong.
    ...(Array.isArray(added.value) ? added.value : [])
      .filter((entry) => entry.at instanceof Date && (!before || entry.at < before))
      .map((entry) => ({ at: entry.at, kind: 'plugin' as const, entry })),
  ]
  items.sort((a, b) => b.at.getTime() - a.at.getTime())
  const page = items.slice(0, limit)
  return { items: page, cursor: items.length > limit ? page.at(-1)!.at.toISOString() : null }
}
