import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { abilities } from '#access/roles'
import { navigation } from '#ui/navigation'
import { jobs } from '#jobs/registry'
import type { NavigationItem } from '#ui/navigation'
import type { JobDefinition } from '#jobs/registry'
import { discoverPlugins } from '#plugins/discovery'
import { bootPlugins, registerPlugin } from '#plugins/boot'

test.group('Plugin boot', () => {
  test('registers abilities, navigation (key defaults to the route) and jobs', async ({ assert }) => {
    const [messaging, inbox, bots] = await discoverPlugins(app.makePath('tests/fixtures/plugins/chain'))
    const registered = { abilities: [] as string[], navigation: [] as NavigationItem[], jobs: [] as JobDefinition<any>[] }
    const targets = {
      abilities: { register: (name: string) => registered.abilities.push(name) },
      navigation: { add: (item: NavigationItem) => registered.navigation.push(item) },
      jobs: { register: (...definitions: JobDefinition<any>[]) => registered.jobs.push(...definitions) },
    }
    for (const plugin of [messaging, inbox, bots]) registerPlugin(plugin, targets)

    assert.deepEqual(registered.abilities, ['messaging.conversations.view', 'inbox.reply'])
    assert.deepEqual(registered.navigation.map((item) => [item.key, item.route, item.ability]), [
      ['inbox.index', 'inbox.index', 'messaging.conversations.view'],
    ])
    assert.deepEqual(registered.jobs.map((job) => job.name), ['bots.retrain'])
  })

  test('runs setup in order with a host; a failing setup names its plugin', async ({ assert }) => {
    const [messaging, inbox] = await discoverPlugins(app.makePath('tests/fixtures/plugins/chain'))
    const taps: unknown[][] = []
    const services = {
      hooks: () => ({ tap: (...args: unknown[]) => taps.push(args) }),
      abilities,
      navigation,
      jobs,
      logger,
    }
    // Without parts, so that only setup runs here (the real registries refuse a name twice).
    const bare = (plugin: typeof inbox) => ({ ...plugin, definition: { ...plugin.definition, abilities: {}, navigation: [], jobs: [] } })
    await bootPlugins([bare(messaging), bare(inbox)], services)
    assert.lengthOf(taps, 1)
    assert.equal(taps[0][0], 'message.received')
    assert.deepEqual(taps[0][1], { plugin: 'inbox' })

    const failing = bare(inbox)
    failing.definition.setup = () => {
      throw new Error('no database')
    }
    await assert.rejects(() => bootPlugins([failing], services), 'Plugin inbox failed in setup: no database')
  })
})
