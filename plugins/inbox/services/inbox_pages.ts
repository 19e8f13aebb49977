import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Channel from '#messaging/models/channel'
import Contact from '#messaging/models/contact'
import MessageTemplate from '#messaging/models/message_template'
import type Conversation from '#messaging/models/conversation'
import { displayOf, fullTime, presentConversationRow } from '#inbox/presenters'
import { listConversations, normalisedFilters } from '#inbox/services/conversation_list'
import type { ListFilters } from '#inbox/validators/conversation'
import { assignableMembers, memberChoices } from '#inbox/services/members'
import { loadThread } from '#inbox/services/thread'
import { liveChannel } from '#inbox/services/live'
import { teamChoices, teamOfConversation, teamsAround } from '#inbox/services/teams'
import { presenceOfMembers } from '#inbox/services/presence'
import { viewersChannel } from '#inbox/services/viewers'
import { ATTACHMENT_LIMITS } from '#inbox/services/attachments'

/**
 * What the inbox's pages and partials render, assembled from the services (the controllers
 * stay thin). Every query is scoped to the request's workspace.
 */

/** The list's filters as they travel in links: the list beside a conversation keeps them. */
function linkQuery(filters: ListFilters) {
  const { cursor: _, ...rest } = filters
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined))
}

/** What every list shows around its rows: its filters, as a form and in links, and its live channel. */
function listFrame(ctx: HttpContext, filters: ListFilters) {
  return { filters: normalisedFilters(filters), query: linkQuery(filters), live: liveChannel(ctx.tenant.workspace.id) }
}

/** One page of the conversation list (the first also says how many conversations are unread, for the tab title). */
export async function conversationList(ctx: HttpContext, filters: ListFilters) {
  const { rows, cursor, unread } = await listConversations(ctx.tenant.workspace.id, ctx.auth.user!.id, filters, { withUnread: !filters.cursor })
  const display = displayOf(ctx)
  return { ...listFrame(ctx, filters), items: rows.map((row) => presentConversationRow(row, display)), cursor, unread }
}

/**
 * One conversation's row as the list with `filters` shows it (a live update), or null when it is
 * not in that list (any more); and the workspace's count of unread conversations.
 */
export async function conversationRow(ctx: HttpContext, id: number, filters: ListFilters) {
  const { rows, unread } = await listConversations(ctx.tenant.workspace.id, ctx.auth.user!.id, filters, { only: id, withUnread: true })
  const list = { filters: normalisedFilters(filters), query: linkQuery(filters) }
  return { item: rows[0] ? presentConversationRow(rows[0], displayOf(ctx)) : null, list, unread: unread! }
}

/** The choices of the list's filters. */
export async function filterChoices(ctx: HttpContext) {
  const channels = await Channel.query().where('workspace_id', ctx.tenant.workspace.id).orderBy('name').select('id', 'name', 'display_phone')
  const [members, teams] = await Promise.all([assignableMembers(ctx.tenant.workspace.id), teamChoices(ctx.tenant.workspace.id)])
  return { channels, members, teams }
}

/** The snooze picker's bounds and default ("tomorrow 09:00"), as datetime-local values in the workspace's zone. */
function snoozeChoices(timezone: string) {
  const now = DateTime.now().setZone(timezone)
  const local = (at: DateTime) => at.toFormat("yyyy-MM-dd'T'HH:mm")
  return { min: local(now), default: local(now.plus({ days: 1 }).set({ hour: 9, minute: 0 })), timezone }
}

async function userNamed(id: number) {
  const row = await db.from('users').where('id', id).select('id', 'full_name').first()
  return row ? { id: row.id as number, name: row.full_name as string } : null
}

/**
 * The conversation's header: contact, status, assignee, and who it can be assigned to (given by
 * a caller that loaded the workspace's members already), each with their presence, and the teams.
 */
export async function conversationHeader(ctx: HttpContext, conversation: Conversation, assignable?: { id: number; name: string; away: boolean }[]) {
  const canAssign = ctx.tenant.can('inbox.assign')
  const members = canAssign ? (assignable ?? (await assignableMembers(conversation.workspaceId))) : []
  const assignee = conversation.assigneeId ? (members.find((member) => member.id === conversation.assigneeId) ?? (await userNamed(conversation.assigneeId))) : null
  if (!conversation.$preloaded.contact) await conversation.load('contact')
  const contact = conversation.contact
  // The assign menu offers teams and agents, each agent with their presence.
  const [{ team, teams }, presence] = await Promise.all([
    canAssign ? teamsAround(conversation.workspaceId, conversation.id) : { team: await teamOfConversation(conversation.workspaceId, conversation.id), teams: [] },
    canAssign ? presenceOfMembers(conversation.workspaceId, members) : new Map(),
  ])
  return {
    conversation,
    name: contact.name ?? contact.profileName ?? contact.phone,
    assignee: assignee && { id: assignee.id, name: assignee.name },
    team,
    teams,
    members: members.map((member) => ({ id: member.id, name: member.name, presence: presence.get(member.id) ?? 'offline' })),
    snoozedUntil: fullTime(conversation.snoozedUntil, displayOf(ctx)),
    snooze: snoozeChoices(ctx.tenant.workspace.timezone || 'UTC'),
  }
}

/** A placeholder as its field is labelled: "{{1}}", "{{customer_name}}". */
const placeholderField = (key: string) => ({ key, label: `{{${key}}}` })

/**
 * What the closed-window composer offers: the channel's approved templates, each with the
 * parameters its header and body take (placeholder names, or the header's media) and its text.
 */
export async function templateChoices(conversation: Conversation) {
  const templates = await MessageTemplate.ofChannel({ workspaceId: conversation.workspaceId, id: conversation.channelId })
  return templates
    .filter((template) => template.status.toUpperCase() === 'APPROVED')
    .map((template) => ({
      id: template.id,
      name: template.name,
      language: template.language,
      headerMedia: template.headerMedia(),
      header: template.headerMedia() ? [] : template.placeholders('HEADER').map(placeholderField),
      body: template.placeholders('BODY').map(placeholderField),
      preview: template.preview(),
    }))
}

/**
 * The reply box as the 24-hour window has it now (partials/composer_reply): the text box and the
 * time left while it is open, the channel's templates once it has closed; nothing for a blocked
 * contact. The conversation's contact is loaded.
 */
export async function composerState(ctx: HttpContext, conversation: Conversation) {
  if (!conversation.$preloaded.contact) await conversation.load('contact')
  const open = conversation.windowOpen
  return {
    conversation,
    blocked: conversation.contact.blocked,
    window: { open, expiresAt: fullTime(conversation.windowExpiresAt, displayOf(ctx)), expiresAtIso: conversation.windowExpiresAt?.toISO() ?? null },
    templates: !open && !conversation.contact.blocked && ctx.tenant.can('inbox.reply') ? await templateChoices(conversation) : [],
    // The composer checks a file's size before uploading it (the server checks again).
    attachmentLimits: ATTACHMENT_LIMITS,
  }
}

/**
 * The conversation's contact (set as its relation), and what the page shows of its channel (name
 * and number: not the model, whose credentials would be decrypted for nothing), in one query.
 */
async function loadContactAndChannel(conversation: Conversation) {
  const channel = db
    .from('channels')
    .where('workspace_id', conversation.workspaceId)
    .where('id', conversation.channelId)
    .select(db.raw(`json_build_object('name', name, 'displayPhone', display_phone)`))
  const contact = await Contact.query().where('workspace_id', conversation.workspaceId).where('id', conversation.contactId).select('*').select(channel.as('channel_summary')).firstOrFail()
  conversation.$setRelated('contact', contact)
  return contact.$extras.channel_summary as { name: string; displayPhone: string | null }
}

/**
 * A conversation's page: its messages, header, composer and contact panel, and the frame of the
 * list beside it (its rows load on their own: GET /inbox?current=…, so the conversation shows
 * first, and a phone, which hides the list, never asks for them).
 */
export async function conversationPage(ctx: HttpContext, conversation: Conversation, filters: ListFilters, before?: number) {
  const display = displayOf(ctx)
  const channel = await loadContactAndChannel(conversation)
  const list = listFrame(ctx, filters)
  const members = await memberChoices(conversation.workspaceId)
  // The agents who wrote are members, mostly: their names need no query of their own.
  const thread = await loadThread(conversation, display, before, new Map(members.mentionable.map((member) => [member.id, member.name])))
  const header = await conversationHeader(ctx, conversation, members.assignable)
  const contact = conversation.contact
  return {
    ...header,
    list,
    thread,
    channel,
    // Who else views it (partials/viewers, resources/viewers.js).
    viewersChannel: viewersChannel(conversation.workspaceId, conversation.id),
    ...(await composerState(ctx, conversation)),
    // Whom a note can mention: the composer's "@" offers them.
    mentionable: ctx.tenant.can('inbox.reply') ? members.mentionable : [],
    contact: {
      id: contact.id,
      name: contact.name,
      profileName: contact.profileName,
      phone: contact.phone,
      optIn: contact.optInStatus,
      blocked: contact.blocked,
      firstSeen: fullTime(contact.firstSeenAt, display),
      lastSeen: fullTime(contact.lastSeenAt, display),
    },
  }
}
