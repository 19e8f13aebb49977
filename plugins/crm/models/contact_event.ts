import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** What changed, by kind: a field (old → new), a tag (added or removed), consent, a merge (who, and the fields that took its values), an erasure, an import (one per contact and import: created or the fields it changed, and the tags it added). */
export type ContactEventData =
  | { kind: 'field'; field: string; label: string; from: unknown; to: unknown }
  | { kind: 'tag'; tagId: number; name: string; added: boolean }
  | { kind: 'consent'; from: string; to: string; source: string | null }
  | { kind: 'merge'; from: MergedContact; changes: { field: string; label: string; from: unknown; to: unknown }[] }
  | { kind: 'erased'; at: string }
  | { kind: 'import'; importId: number; file: string; created: boolean; changes: { field: string; label: string; from: unknown; to: unknown }[]; tags: { tagId: number; name: string }[] }

/** Who a merge removed, as the survivor's timeline remembers it. */
export interface MergedContact {
  id: number
  name: string | null
  phone: string
  email: string | null
}

/** One change of a contact, for its timeline (crm_contact_events): who, when, what. */
export default class ContactEvent extends BaseModel {
  static table = 'crm_contact_events'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare contactId: number

  @column()
  declare actorId: number | null

  @column()
  declare kind: ContactEventData['kind']

  @column()
  declare data: ContactEventData

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
