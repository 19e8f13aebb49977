import { hooks } from '#hooks/bus'
import type { MergedContact } from '#crm/models/contact_event'

/** One line of a contact's timeline, as a plugin adds it through `crm.timeline`. */
export interface TimelineEntry {
  /** When it happened. */
  at: Date
  /** A short kind, e.g. 'deal', 'campaign', 'bot': the icon and the filter of the line. */
  kind: string
  /** The line, plain text (escaped when shown). */
  title: string
  /** More text under it, plain. */
  body?: string | null
  /** A link to what it is about, within the app. */
  url?: string | null
  /** Who did it, when someone did. */
  actor?: string | null
  /** Set by the CRM: the plugin whose tap added the entry. */
  plugin?: string
}

/** One field change of `contact.updated`: the key (`name`, `email`, `cf.plan` …) with the value before and after. */
export interface FieldChange {
  field: string
  from: unknown
  to: unknown
}

declare module '#hooks/catalogue' {
  interface HookCatalogue {
    'contact.updated': ActionHook<{ workspaceId: number; contactId: number; changes: FieldChange[]; actorId: number | null }>
    'contact.tagged': ActionHook<{ workspaceId: number; contactId: number; tagId: number; tag: string; added: boolean; actorId: number | null }>
    'contact.merged': ActionHook<{ workspaceId: number; contactId: number; merged: MergedContact; changes: FieldChange[]; actorId: number | null }>
    'contact.deleted': ActionHook<{ workspaceId: number; contactId: number; actorId: number | null }>
    'crm.timeline': FilterHook<TimelineEntry[], { workspaceId: number; contactId: number; before: Date | null; limit: number }>
  }
}

/** The CRM's hooks, defined at its setup. */
export function defineCrmHooks() {
  const plugin = 'crm'
  hooks.define('contact.updated', { kind: 'action', plugin, description: 'A contact’s fields or consent changed (the card, the API); changes: each field with its old and new value.' })
  hooks.define('contact.tagged', { kind: 'action', plugin, description: 'A tag was added to a contact (added: true) or removed from it (added: false).' })
  hooks.define('contact.merged', {
    kind: 'action',
    plugin,
    description:
      'Another contact (merged: its id, name, phone, e-mail; the row is gone) was merged into contactId: its conversations, notes, tags and timeline moved there; changes: the fields that took its values. Rows of other plugins that reference the merged contact went with it (their foreign keys).',
  })
  hooks.define('contact.deleted', {
    kind: 'action',
    plugin,
    description: 'A contact was deleted for good (a bulk delete, once its undo window is over), with its conversations; the row is gone when this runs.',
  })
  hooks.define('crm.timeline', {
    kind: 'filter',
    policy: 'continue',
    plugin,
    description: 'A contact’s timeline is shown: append your entries (at, kind, title, body?, url?) older than `before` (newest first, at most `limit`).',
  })
}
