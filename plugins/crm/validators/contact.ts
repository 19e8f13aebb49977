import vine from '@vinejs/vine'
import { SORT_KEYS } from '#crm/services/contact_list'
import { OPT_IN_STATUSES } from '#crm/services/contact_filter'

const int4Id = vine.number().withoutDecimals().positive().max(2_147_483_647)

/** The list's query string; `filter` is JSON (validators/filter.ts parses it), `segment` opens a saved one. */
export const listContactsValidator = vine.compile(
  vine.object({
    q: vine.string().trim().maxLength(100).optional(),
    sort: vine.enum(SORT_KEYS).optional(),
    dir: vine.enum(['asc', 'desc'] as const).optional(),
    cursor: vine.string().regex(/^[A-Za-z0-9_-]{1,400}$/).optional(),
    filter: vine.string().maxLength(8000).optional(),
    segment: int4Id.clone().optional(),
  })
)

/** The columns a member picks for the list. */
export const columnsValidator = vine.compile(vine.object({ columns: vine.array(vine.string().maxLength(50)).maxLength(60).optional() }))

/** The built-in fields a contact's profile writes (the card, bulk "set a field"). */
export const profileFields = {
  name: vine.string().trim().maxLength(200).nullable(),
  email: vine.string().trim().maxLength(254).email().nullable(),
}

/** The card's profile: name, e-mail, owner (a member's user id, or empty). */
export const updateProfileValidator = vine.compile(
  vine.object({
    ...profileFields,
    ownerId: int4Id.clone().nullable(),
  })
)

/** Consent: opted in or out (or back to unknown), with where it came from. */
export const consentValidator = vine.compile(
  vine.object({
    status: vine.enum(OPT_IN_STATUSES),
    source: vine.string().trim().maxLength(60).nullable(),
  })
)

export const noteValidator = vine.compile(vine.object({ body: vine.string().trim().minLength(1).maxLength(4000) }))

export const tagContactValidator = vine.compile(vine.object({ tagId: int4Id.clone() }))

/** Older entries of the timeline: before this instant (ISO). */
export const timelineValidator = vine.compile(vine.object({ before: vine.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/).optional() }))

const page = {
  page: vine.number().withoutDecimals().min(1).max(1_000_000).optional(),
  perPage: vine.number().withoutDecimals().range([1, 100]).optional(),
}

/** API: a page of contacts matching `q` and a filter (JSON text in a query string, an object in a body) or a segment. */
export const apiSearchValidator = vine.compile(
  vine.object({
    q: vine.string().trim().maxLength(100).optional(),
    filter: vine.any().optional(),
    segmentId: int4Id.clone().optional(),
    ...page,
  })
)

/** API: a page of a list. */
export const apiPageValidator = vine.compile(vine.object(page))

const apiProfile = {
  ...profileFields,
  ownerId: int4Id.clone().nullable(),
  /** Custom values by key; what each may be is checked by `validateFieldValues`. */
  fields: vine.record(vine.any()),
}

/** API: a new contact (its phone, once per workspace) with CRM fields and tags. */
export const apiStoreContactValidator = vine.compile(
  vine.object({
    phone: vine.string().trim().regex(/^\+?[\d\s().-]{5,24}$/),
    name: apiProfile.name.clone().optional(),
    email: apiProfile.email.clone().optional(),
    ownerId: apiProfile.ownerId.clone().optional(),
    fields: apiProfile.fields.clone().optional(),
    tagIds: vine.array(int4Id.clone()).maxLength(50).distinct().optional(),
  })
)

/** API: a contact's changes (a field absent is left as it is; null clears it). */
export const apiUpdateContactValidator = vine.compile(
  vine.object({
    name: apiProfile.name.clone().optional(),
    email: apiProfile.email.clone().optional(),
    ownerId: apiProfile.ownerId.clone().optional(),
    fields: apiProfile.fields.clone().optional(),
  })
)
