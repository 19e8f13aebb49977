/**
 * What the CRM's tests share: a workspace with the CRM on (and so messaging), a member of a
 * role, and contacts, fields and tags written straight into the tables.
 */
import { DateTime } from 'luxon'
import type { Group } from '@japa/runner/core'
import { jobs } from '#jobs/registry'
import { truncateTables } from '#tests/helpers/database'
import type { Role } from '#access/roles'
import { pluginEnablement } from '#plugins/enablement'
import { addMember, workspaceWithMember } from '#database/factories/index'
import type Workspace from '#tenancy/models/workspace'
import CrmContact from '#crm/models/crm_contact'
import Tag from '#crm/models/tag'
import { createField, type NewField } from '#crm/actions/save_field'

/** A workspace with the CRM on, its owner, a member of `role` (the owner for 'owner'). */
export async function crmWorkspace(role: Role = 'owner') {
  const { workspace, user: owner } = await workspaceWithMember('owner')
  await pluginEnablement.enable(workspace, 'crm', owner.id)
  const user = role === 'owner' ? owner : await addMember(workspace, role)
  return { workspace, owner, user, base: `/w/${workspace.slug}/crm` }
}

let phones = 0

export interface ContactSeed {
  name?: string | null
  phone?: string
  email?: string | null
  attributes?: Record<string, unknown>
  optInStatus?: 'unknown' | 'opted_in' | 'opted_out'
  lastSeenDaysAgo?: number | null
  createdDaysAgo?: number
  ownerId?: number | null
}

export async function contactIn(workspace: Workspace, seed: ContactSeed = {}) {
  const phone = seed.phone ?? `+4477008${String(++phones).padStart(5, '0')}`
  return CrmContact.create({
    workspaceId: workspace.id,
    phone,
    waId: phone.slice(1),
    name: seed.name === undefined ? `Contact ${phones}` : seed.name,
    profileName: null,
    email: seed.email ?? null,
    ownerId: seed.ownerId ?? null,
    optInStatus: seed.optInStatus ?? 'unknown',
    blocked: false,
    attributes: seed.attributes ?? {},
    firstSeenAt: null,
    lastSeenAt: seed.lastSeenDaysAgo === null || seed.lastSeenDaysAgo === undefined ? null : DateTime.now().minus({ days: seed.lastSeenDaysAgo }),
    createdAt: DateTime.now().minus({ days: seed.createdDaysAgo ?? 0 }),
  })
}

export function tagIn(workspace: Workspace, name: string, color = '#336699') {
  return Tag.create({ workspaceId: workspace.id, name, color })
}

export function fieldIn(workspace: Workspace, field: NewField) {
  return createField(workspace.id, field)
}

/** Tags a contact straight in the table (no timeline, no hook). */
export async function tagged(contact: CrmContact, ...tags: Tag[]) {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  await db.table('crm_contact_tags').multiInsert(tags.map((tag) => ({ workspace_id: contact.workspaceId, contact_id: contact.id, tag_id: tag.id, created_at: new Date() })))
}

/**
 * A group whose jobs run on a real BullMQ worker: the worker sees only committed rows, so the
 * tables are emptied before the group and after each test (`each` runs before each test).
 */
export function onWorker(group: Group, each: () => void = () => {}) {
  group.setup(async () => {
    await truncateTables()
    const workers = jobs.startWorkers(1)
    return async () => {
      await Promise.all(workers.map((worker) => worker.close()))
    }
  })
  group.each.setup(() => {
    each()
    return () => truncateTables()
  })
}

/** Polls an import, export or bulk action until its job finished. */
export async function untilFinished<T extends { finished: boolean }>(load: () => Promise<T>) {
  for (let i = 0; i < 200; i++) {
    const found = await load()
    if (found.finished) return found
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('the job did not finish')
}
