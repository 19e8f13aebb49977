import { randomBytes } from 'node:crypto'
import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class WorkspaceCreate extends BaseCommand {
  static commandName = 'workspace:create'
  static description = 'Create a workspace owned by --owner (the account is created when the e-mail is new)'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Workspace name' })
  declare name: string

  @flags.string({ description: 'Owner e-mail', required: true })
  declare owner: string

  @flags.string({ description: 'Organization slug (default: the owner’s organization, or a new one)' })
  declare organization?: string

  async run() {
    const { default: User } = await import('#auth/models/user')
    const { default: Organization } = await import('#tenancy/models/organization')
    const { default: OrganizationMember } = await import('#tenancy/models/organization_member')
    const { createWorkspace } = await import('#tenancy/actions/create_workspace')
    const { registerAccount } = await import('#tenancy/actions/register_account')
    const vine = (await import('@vinejs/vine')).default

    const email = this.owner.trim().toLowerCase()
    const [error] = await vine.tryValidate({ schema: vine.string().email(), data: email })
    if (error || this.name.trim().length < 2) {
      this.logger.error('Give a workspace name of 2+ characters and a valid --owner e-mail')
      this.exitCode = 1
      return
    }

    let user = await User.findBy('email', email)
    if (!user && !this.organization) {
      const password = randomBytes(12).toString('base64url')
      const created = await registerAccount({ fullName: email.split('@')[0], email, password, organizationName: this.name })
      this.logger.success(`Created workspace "${created.workspace.name}" (/w/${created.workspace.slug})`)
      this.logger.info(`New account ${email}, temporary password: ${password}`)
      return
    }

    const organization = this.organization
      ? await Organization.findBy('slug', this.organization)
      : await Organization.query()
          .whereIn('id', (q) => q.from('organization_members').select('organization_id').where('user_id', user!.id))
          .orderBy('id')
          .first()
    if (!organization) {
      this.logger.error(`No organization "${this.organization ?? 'of ' + email}"`)
      this.exitCode = 1
      return
    }
    if (!user) {
      const password = randomBytes(12).toString('base64url')
      user = await User.create({ fullName: email.split('@')[0], email, password })
      await OrganizationMember.create({ organizationId: organization.id, userId: user.id, role: 'admin' })
      this.logger.info(`New account ${email}, temporary password: ${password}`)
    }
    const workspace = await createWorkspace({ organizationId: organization.id, name: this.name.trim(), owner: user })
    this.logger.success(`Created workspace "${workspace.name}" (/w/${workspace.slug}) in ${organization.name}`)
  }
}
