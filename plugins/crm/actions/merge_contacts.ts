import db from '@adonisjs/lucid/services/db'
import { errors } from '@adonisjs/lucid'
import { hooks } from '#hooks/bus'
import CrmContact from '#crm/models/crm_contact'
import ContactEvent from '#crm/models/contact_event'
import type Field from '#crm/models/field'
import { mergeFields } from '#crm/services/duplicates'

/**
 * Merges `otherId` into `primaryId` (both of the workspace, not hidden by a bulk delete; else
 * E_ROW_NOT_FOUND): the primary keeps its phone (its WhatsApp identity) and takes, field by
 * field, the value `winners` names (default: its own, or the other's where it has none); the
 * other's conversations (with their messages), notes, tags and timeline move to the primary;
 * the other is deleted; the primary's timeline says "merged from …" with the fields that changed.
 * One transaction, both rows locked (in id order, so two merges of the same pair wait rather
 * than deadlock). Announced on `contact.merged`.
 */
export async function mergeContacts(workspaceId: number, primaryId: number, otherId: number, winners: Record<string, 'primary' | 'other'>, actorId: number | null, fields: Field[]) {
  const merged = await db.transaction(async (trx) => {
    const rows = await CrmContact.query({ client: trx }).where('workspace_id', workspaceId).whereIn('id', [primaryId, otherId]).withScopes((scopes) => scopes.visible()).orderBy('id').forUpdate()
    const primary = rows.find((row) => row.id === primaryId)
    const other = rows.find((row) => row.id === otherId)
    // Merged or deleted meanwhile.
    if (!primary || !other || primaryId === otherId) throw new errors.E_ROW_NOT_FOUND()

    const changes: { field: string; label: string; from: unknown; to: unknown }[] = []
    const attributes = { ...primary.attributes }
    for (const field of mergeFields(primary, other, fields)) {
      if ((winners[field.key] ?? field.winner) !== 'other' || JSON.stringify(field.primary) === JSON.stringify(field.other)) continue
      changes.push({ field: field.key, label: field.label ?? field.key, from: field.primary, to: field.other })
      if (field.key === 'name') primary.name = other.name
      else if (field.key === 'email') primary.email = other.email
      else if (field.key === 'owner') primary.ownerId = other.ownerId
      else if (field.key === 'opt_in') primary.merge({ optInStatus: other.optInStatus, optInSource: other.optInSource, optInAt: other.optInAt })
      else if (field.other === null) delete attributes[field.key.slice(3)]
      else attributes[field.key.slice(3)] = field.other
    }
    primary.attributes = attributes
    primary.profileName = primary.profileName ?? other.profileName
    if (other.firstSeenAt && (!primary.firstSeenAt || other.firstSeenAt < primary.firstSeenAt)) primary.firstSeenAt = other.firstSeenAt
    if (other.lastSeenAt && (!primary.lastSeenAt || other.lastSeenAt > primary.lastSeenAt)) primary.lastSeenAt = other.lastSeenAt
    // The conversations move with an update, which the count trigger (insert / delete) does not see.
    primary.conversationCount += other.conversationCount
    await primary.useTransaction(trx).save()

    await trx.rawQuery('update conversations set contact_id = ? where workspace_id = ? and contact_id = ?', [primary.id, workspaceId, otherId])
    await trx.rawQuery('update crm_notes set contact_id = ? where workspace_id = ? and contact_id = ?', [primary.id, workspaceId, otherId])
    await trx.rawQuery('update crm_contact_events set contact_id = ? where workspace_id = ? and contact_id = ?', [primary.id, workspaceId, otherId])
    await trx.rawQuery(
      `insert into crm_contact_tags (workspace_id, contact_id, tag_id, created_at)
       select workspace_id, ?, tag_id, created_at from crm_contact_tags where workspace_id = ? and contact_id = ? on conflict do nothing`,
      [primary.id, workspaceId, otherId]
    )
    // What else hangs on the other contact (its tags' links, plugins' rows) goes with it.
    await trx.from('contacts').where('workspace_id', workspaceId).where('id', otherId).delete()
    const from = { id: other.id, name: other.name ?? other.profileName, phone: other.phone, email: other.email }
    await ContactEvent.create({ workspaceId, contactId: primary.id, actorId, kind: 'merge', data: { kind: 'merge', from, changes } }, { client: trx })
    return { primary, from, changes }
  })
  await hooks.emit('contact.merged', {
    workspaceId,
    contactId: merged.primary.id,
    merged: merged.from,
    changes: merged.changes.map(({ field, from, to }) => ({ field, from, to })),
    actorId,
  })
  return merged.primary
}
