/**
 * Core roles and the ability registry. An ability is a dotted name ("members.manage");
 * each declares which roles hold it by default. Plugins register theirs at boot
 * through `abilities.register`, so the registry is the single source of truth for
 * both the server's 403 and the UI hiding what a role may not do.
 */
export const ROLES = ['owner', 'admin', 'agent', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export const ORGANIZATION_ROLES = ['owner', 'admin'] as const
export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number]

export interface AbilityDefinition {
  name: string
  description: string
  /** Workspace roles that hold it. */
  roles: Role[]
  /** Organization (agency) roles that hold it; such abilities are never granted by a workspace role alone. */
  organizationRoles?: OrganizationRole[]
}

class AbilityRegistry {
  #abilities = new Map<string, AbilityDefinition>()

  register(name: string, definition: Omit<AbilityDefinition, 'name'>) {
    if (this.#abilities.has(name)) {
      throw new Error(`Ability "${name}" is registered twice`)
    }
    this.#abilities.set(name, { name, ...definition })
    return this
  }

  has(name: string) {
    return this.#abilities.has(name)
  }

  all() {
    return [...this.#abilities.values()]
  }

  /** Does `role` (or `organizationRole`) hold `ability`? Unknown abilities are refused, never granted. */
  allows(role: Role, ability: string, organizationRole: OrganizationRole | null = null) {
    const definition = this.#abilities.get(ability)
    if (!definition) return false
    return (
      definition.roles.includes(role) ||
      (!!organizationRole && !!definition.organizationRoles?.includes(organizationRole))
    )
  }

  forRole(role: Role) {
    return this.all()
      .filter((ability) => ability.roles.includes(role))
      .map((ability) => ability.name)
  }
}

export const abilities = new AbilityRegistry()

const everyone: Role[] = ['owner', 'admin', 'agent', 'viewer']
const staff: Role[] = ['owner', 'admin', 'agent']
const admins: Role[] = ['owner', 'admin']

abilities
  .register('workspace.view', { description: 'See the workspace and its dashboard', roles: everyone })
  .register('workspace.update', { description: 'Change workspace name, timezone and locale', roles: admins })
  .register('members.view', { description: 'See members and invitations', roles: staff })
  .register('members.manage', { description: 'Invite, remove and change roles of members', roles: admins })
  .register('tokens.manage', { description: 'Create and revoke API tokens', roles: admins })
  .register('audit.view', { description: 'Read the audit log', roles: admins })
  .register('plugins.manage', { description: 'Switch plugins on and off for the workspace', roles: admins })
  .register('marketplace.manage', { description: 'Install, configure and remove marketplace packages in the workspace', roles: admins })
  .register('organization.manage', {
    description: 'Change the organization’s brand, domain and security policy',
    roles: [],
    organizationRoles: ['owner', 'admin'],
  })
  .register('diagnostics.view', {
    description: 'See how plugins’ hooks perform (calls, timings, errors)',
    roles: [],
    organizationRoles: ['owner', 'admin'],
  })
  .register('jobs.manage', {
    description: 'See, retry and discard failed background jobs',
    roles: [],
    organizationRoles: ['owner', 'admin'],
  })
