import db from '@adonisjs/lucid/services/db'
import type CrmContact from '#crm/models/crm_contact'
import Field from '#crm/models/field'
import { tagsOf } from '#crm/services/contact_list'

/**
 * Everything the workspace knows about one contact (a GDPR access request, art. 15), as one JSON
 * document: the profile, custom fields by label, tags, consent now and its history, notes,
 * each conversation with its messages (content as stored, media by name and type), and the
 * timeline of changes. Read at once: a contact's history fits in memory.
 */
export async function contactDossier(contact: CrmContact) {
  const workspaceId = contact.workspaceId
  const [fields, tags, events, notes, conversations, messages, media] = await Promise.all([
    Field.ofWorkspace(workspaceId),
    tagsOf(workspaceId, [contact.id]),
    db.from('crm_contact_events as e').leftJoin('users as u', 'u.id', 'e.actor_id').where('e.workspace_id', workspaceId).where('e.contact_id', contact.id).orderBy('e.id').select('e.kind', 'e.data', 'e.created_at', 'u.full_name as actor'),
    db.from('crm_notes as n').leftJoin('users as u', 'u.id', 'n.author_id').where('n.workspace_id', workspaceId).where('n.contact_id', contact.id).orderBy('n.id').select('n.body', 'n.created_at', 'u.full_name as author'),
    db.from('conversations as c').join('channels as ch', 'ch.id', 'c.channel_id').where('c.workspace_id', workspaceId).where('c.contact_id', contact.id).orderBy('c.id').select('c.id', 'ch.name as channel', 'c.status', 'c.created_at'),
    db.from('messages as m').join('conversations as c', 'c.id', 'm.conversation_id').where('m.workspace_id', workspaceId).where('c.contact_id', contact.id).orderBy('m.id')
      .select('m.id', 'm.conversation_id', 'm.direction', 'm.type', 'm.content', 'm.status', 'm.author_type', 'm.created_at'),
    db.from('media as md').join('messages as m', 'm.id', 'md.message_id').join('conversations as c', 'c.id', 'm.conversation_id').where('md.workspace_id', workspaceId).where('c.contact_id', contact.id)
      .select('md.message_id', 'md.filename', 'md.mime', 'md.size'),
  ])
  const mediaOf = (messageId: number) => media.filter((item) => item.message_id === messageId).map(({ filename, mime, size }) => ({ filename, mime, size: Number(size) }))
  return {
    exportedAt: new Date().toISOString(),
    profile: {
      id: contact.id,
      name: contact.name,
      profileName: contact.profileName,
      phone: contact.phone,
      email: contact.email,
      locale: contact.locale,
      blocked: contact.blocked,
      firstSeenAt: contact.firstSeenAt?.toISO() ?? null,
      lastSeenAt: contact.lastSeenAt?.toISO() ?? null,
      createdAt: contact.createdAt.toISO(),
    },
    customFields: Object.fromEntries(fields.filter((field) => field.key in contact.attributes).map((field) => [field.label, contact.attributes[field.key]])),
    tags: (tags.get(contact.id) ?? []).map((tag) => tag.name),
    consent: {
      status: contact.optInStatus,
      source: contact.optInSource,
      at: contact.optInAt?.toISO() ?? null,
      history: events.filter((event) => event.kind === 'consent').map((event) => ({ at: event.created_at, from: event.data.from, to: event.data.to, source: event.data.source, by: event.actor })),
    },
    notes: notes.map((note) => ({ at: note.created_at, author: note.author, body: note.body })),
    conversations: conversations.map((conversation) => ({
      channel: conversation.channel,
      status: conversation.status,
      startedAt: conversation.created_at,
      messages: messages
        .filter((message) => Number(message.conversation_id) === Number(conversation.id))
        .map((message) => ({ at: message.created_at, direction: message.direction, type: message.type, author: message.author_type, status: message.status, content: message.content, media: mediaOf(message.id) })),
    })),
    timeline: events.map((event) => ({ at: event.created_at, by: event.actor, ...event.data })),
  }
}
