import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class TokenCreate extends BaseCommand {
  static commandName = 'token:create'
  static description = 'Create an API token for a workspace (owned by its first owner) and print it once'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Workspace slug', required: true })
  declare workspace: string

  @flags.string({ description: 'A label to recognise the token by', required: true })
  declare name: string

  @flags.array({ description: 'Abilities (default: all the owner holds)' })
  declare abilities?: string[]

  async run() {
    const { default: Workspace } = await import('#tenancy/models/workspace')
    const { default: Membership } = await import('#tenancy/models/membership')
    const { abilities } = await import('#access/roles')
    const { issueApiToken } = await import('#auth/api_tokens')

    const workspace = await Workspace.findBy('slug', this.workspace)
    if (!workspace) {
      this.logger.error(`No workspace "${this.workspace}"`)
      this.exitCode = 1
      return
    }
    const owner = await Membership.query()
      .where('workspace_id', workspace.id)
      .where('role', 'owner')
      .orderBy('id')
      .preload('user')
      .first()
    if (!owner) {
      this.logger.error(`Workspace "${this.workspace}" has no owner to own the token`)
      this.exitCode = 1
      return
    }
    const allowed = abilities.forRole('owner')
    const requested = this.abilities?.flatMap((a) => a.split(',')).map((a) => a.trim()) ?? allowed
    const unknown = requested.filter((a) => !allowed.includes(a))
    if (unknown.length) {
      this.logger.error(`Unknown abilities: ${unknown.join(', ')}. Known: ${allowed.join(', ')}`)
      this.exitCode = 1
      return
    }
    const token = await issueApiToken(owner.user, workspace, this.name, requested, { meta: { via: 'ace' } })
    // The token alone on stdout, so scripts can capture it: TOKEN=$(node ace token:create ...)
    console.log(token.secret)
  }
}
