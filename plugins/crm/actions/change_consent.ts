import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import CrmContact from '#crm/models/crm_contact'
import ContactEvent from '#crm/models/contact_event'
import type { OptInStatus } from '#messaging/models/contact'

/**
 * Records the contact's consent to be messaged: opted in or out, from which source ("form",
 * "phone call", "asked in chat"…), now. On the timeline, and on `contact.updated` as the field
 * `opt_in`. The same status again only updates the source and time.
 */
export async function changeConsent(contact: CrmContact, status: OptInStatus, source: string | null, actorId: number | null) {
  const from = await db.transaction(async (trx) => {
    const row = await CrmContact.query({ client: trx }).where('id', contact.id).forUpdate().firstOrFail()
    const previous = row.optInStatus
    row.merge({ optInStatus: status, optInSource: source, optInAt: DateTime.now() })
    await row.useTransaction(trx).save()
    await ContactEvent.create(
      { workspaceId: row.workspaceId, contactId: row.id, actorId, kind: 'consent', data: { kind: 'consent', from: previous, to: status, source } },
      { client: trx }
    )
    contact.merge({ optInStatus: row.optInStatus, optInSource: row.optInSource, optInAt: row.optInAt })
    return previous
  })
  await hooks.emit('contact.updated', { workspaceId: contact.workspaceId, contactId: contact.id, changes: [{ field: 'opt_in', from, to: status }], actorId })
}
