import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class OperatorGrant extends BaseCommand {
  static commandName = 'operator:grant'
  static description = 'Make an account an operator of this instance (the operator pages: blocking marketplace packages), or take it back'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The account’s e-mail' })
  declare email: string

  @flags.boolean({ description: 'Take the operator role back instead' })
  declare revoke?: boolean

  async run() {
    const { setOperator } = await import('#auth/actions/set_operator')
    const user = await setOperator(this.email, !this.revoke)
    if (!user) {
      this.logger.error(`No account has the e-mail ${this.email}`)
      this.exitCode = 1
      return
    }
    this.logger.success(this.revoke ? `${user.email} is no longer an operator` : `${user.email} is an operator of this instance`)
  }
}
