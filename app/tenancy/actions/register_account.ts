import db from '@adonisjs/lucid/services/db'
import User from '#auth/models/user'
import Organization from '#tenancy/models/organization'
import OrganizationMember from '#tenancy/models/organization_member'
import { createWorkspace } from '#tenancy/actions/create_workspace'
import { uniqueSlug } from '#tenancy/slug'

interface RegisterInput {
  fullName: string
  email: string
  password: string
  organizationName: string
  locale?: string
}

/**
 * Sign-up: a new user owning a new organization and its first workspace, all or nothing.
 */
export async function registerAccount(input: RegisterInput) {
  return db.transaction(async (trx) => {
    const user = await User.create(
      { fullName: input.fullName, email: input.email, password: input.password, locale: input.locale ?? 'en' },
      { client: trx }
    )
    const organization = await Organization.create(
      { name: input.organizationName, slug: await uniqueSlug('organizations', input.organizationName, trx) },
      { client: trx }
    )
    await OrganizationMember.create({ organizationId: organization.id, userId: user.id, role: 'owner' }, { client: trx })
    const workspace = await createWorkspace(
      { organizationId: organization.id, name: input.organizationName, owner: user, locale: input.locale },
      trx
    )
    return { user, organization, workspace }
  })
}

/** With SIGNUP=first-only, public sign-up closes once the first organization exists. */
export async function signupOpen(mode: 'open' | 'first-only') {
  if (mode === 'open') return true
  const row = await db.from('organizations').count('* as total').first()
  return Number(row.total) === 0
}
