import factory from '@adonisjs/lucid/factories'
import User from '#auth/models/user'
import Organization from '#tenancy/models/organization'
import OrganizationMember from '#tenancy/models/organization_member'
import Workspace from '#tenancy/models/workspace'
import Membership from '#tenancy/models/membership'
import type { Role } from '#access/roles'

export const PASSWORD = 'correct horse battery'

export const UserFactory = factory
  .define(User, ({ faker }) => ({
    // Without apostrophes ("O'Kon"): tests find the name in pages, where HTML escapes them.
    fullName: faker.person.fullName().replaceAll("'", ''),
    email: faker.internet.email().toLowerCase(),
    password: PASSWORD,
    theme: 'system' as const,
    locale: 'en',
  }))
  .build()

export const OrganizationFactory = factory
  .define(Organization, ({ faker }) => {
    const name = faker.company.name()
    return { name, slug: `${faker.helpers.slugify(name).toLowerCase()}-${faker.string.alphanumeric(6).toLowerCase()}` }
  })
  .build()

export const WorkspaceFactory = factory
  .define(Workspace, ({ faker }) => {
    const name = faker.company.name()
    return {
      name,
      slug: `${faker.helpers.slugify(name).toLowerCase()}-${faker.string.alphanumeric(6).toLowerCase()}`,
      timezone: 'UTC',
      locale: 'en',
    }
  })
  .relation('organization', () => OrganizationFactory)
  .build()

/** A workspace in a fresh organization with one member of `role` (and their user). */
export async function workspaceWithMember(role: Role = 'owner') {
  const workspace = await WorkspaceFactory.with('organization').create()
  const user = await UserFactory.create()
  await Membership.create({ workspaceId: workspace.id, userId: user.id, role })
  return { workspace, user }
}

/** Adds a member of `role` to an existing workspace. */
export async function addMember(workspace: Workspace, role: Role) {
  const user = await UserFactory.create()
  await Membership.create({ workspaceId: workspace.id, userId: user.id, role })
  return user
}

/** Makes `user` agency staff of `workspace`'s organization. */
export async function makeOrganizationStaff(workspace: Workspace, user: User, role: 'owner' | 'admin' = 'admin') {
  await OrganizationMember.create({ organizationId: workspace.organizationId, userId: user.id, role })
}
