import { BaseSeeder } from '@adonisjs/lucid/seeders'
import { DateTime } from 'luxon'
import User from '#auth/models/user'
import { registerAccount } from '#tenancy/actions/register_account'

/** The demo account `npm run quickstart` prints. Not a secret: it exists to be shared. */
export const DEMO_ACCOUNT = {
  fullName: 'Demo Owner',
  email: 'demo@switchboard.local',
  password: 'switchboard-demo',
  organizationName: 'Demo Agency',
} as const

/**
 * A demo owner with an organization ("Demo Agency") and its first workspace, e-mail verified.
 * Idempotent: when the user exists nothing is created again (only a missing verification is set).
 */
export default class DemoSeeder extends BaseSeeder {
  async run() {
    let user = await User.findBy('email', DEMO_ACCOUNT.email)
    if (!user) {
      const account = await registerAccount({ ...DEMO_ACCOUNT })
      user = account.user
    }
    if (!user.emailVerifiedAt) {
      user.emailVerifiedAt = DateTime.now()
      await user.save()
    }
  }
}
