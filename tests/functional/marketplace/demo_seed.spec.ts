import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import User from '#auth/models/user'
import Membership from '#tenancy/models/membership'
import MarketplaceInstallation from '#marketplace/models/installation'
import { marketplace } from '#marketplace/runtime'
import { runAce, setUpAce } from '#tests/helpers/ace'

test.group('Quickstart demo: marketplace examples', (group) => {
  const holder = setUpAce(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => marketplace.clear())

  test('the three examples are published here, trusted by the demo organization and installed in the demo workspace, once', async ({ assert }) => {
    const seed = () => runAce(holder.ace, 'db:seed', ['--files=database/seeders/demo_seeder.ts', '--files=database/seeders/demo_marketplace_seeder.ts'])
    const first = await seed()
    assert.equal(first.command.exitCode, 0, first.output)
    const again = await seed()
    assert.equal(again.command.exitCode, 0, again.output)

    const user = await User.findByOrFail('email', 'demo@switchboard.local')
    const membership = await Membership.findByOrFail('user_id', user.id)
    const installed = await MarketplaceInstallation.query().where('workspace_id', membership.workspaceId).orderBy('package_id')
    assert.deepEqual(
      installed.map((row) => [row.packageId, row.status]),
      [
        ['dev.switchboard.auto-tag', 'active'],
        ['dev.switchboard.business-hours', 'active'],
        ['dev.switchboard.lead-webhook', 'disabled'],
      ]
    )
  }).timeout(60_000)
})
