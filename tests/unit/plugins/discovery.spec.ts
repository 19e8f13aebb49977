import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { discoverPlugins, findCycles, PluginDiscoveryError } from '#plugins/discovery'

const fixtures = (scenario: string) => app.makePath('tests/fixtures/plugins', scenario)

/** Runs discovery expecting a refusal; returns the problems it names. */
async function refusal(scenario: string, coreVersion?: string) {
  try {
    await discoverPlugins(fixtures(scenario), { coreVersion })
  } catch (error) {
    if (error instanceof PluginDiscoveryError) return { problems: error.problems, message: error.message }
    throw error
  }
  throw new Error(`discovery of ${scenario} was expected to refuse, and did not`)
}

test.group('Plugin discovery', () => {
  test('orders plugins by requirements, whatever the folder order', async ({ assert }) => {
    // Folders sort as bots, inbox, messaging; bots requires inbox, inbox requires messaging.
    const plugins = await discoverPlugins(fixtures('chain'))
    assert.deepEqual(
      plugins.map((plugin) => plugin.name),
      ['messaging', 'inbox', 'bots']
    )
    const inbox = plugins[1]
    assert.equal(inbox.version, '1.0.0')
    assert.deepEqual(inbox.requires, { core: '^0.1.0', plugins: { messaging: '^1.0.0' } })
    assert.equal(inbox.entry, fixtures('chain/inbox/plugin.ts'))
    assert.isFunction(inbox.definition.setup)
  })

  test('finds the optional parts by convention', async ({ assert }) => {
    const [messaging, inbox] = await discoverPlugins(fixtures('chain'))
    const root = fixtures('chain/messaging')
    assert.deepEqual(messaging.paths, {
      routes: `${root}/routes.ts`,
      channels: null,
      views: `${root}/views`,
      migrations: `${root}/database/migrations`,
      seeders: null,
      lang: `${root}/lang`,
      tests: `${root}/tests`,
      commands: `${root}/commands`,
      readme: `${root}/README.md`,
    })
    assert.isTrue(Object.values(inbox.paths).every((path) => path === null))
  })

  test('a missing plugins folder means no plugins', async ({ assert }) => {
    assert.deepEqual(await discoverPlugins(fixtures('does-not-exist')), [])
  })

  test('refuses a cycle with a sentence naming the plugins in it', async ({ assert }) => {
    const { problems } = await refusal('cycle')
    assert.deepEqual(problems, ['Plugins bots → inbox → bots require each other; remove one of the requirements'])
  })

  test('finds every distinct cycle, each once', ({ assert }) => {
    const plugin = (name: string, ...requires: string[]) => ({
      name,
      requires: { core: null, plugins: Object.fromEntries(requires.map((required) => [required, '*'])) },
    })
    const cycles = findCycles([
      plugin('inbox', 'bots'),
      plugin('bots', 'deals'),
      plugin('deals', 'inbox'),
      plugin('crm', 'webhooks'),
      plugin('webhooks', 'crm'),
      plugin('messaging'),
    ])
    assert.deepEqual(cycles, [
      ['bots', 'deals', 'inbox', 'bots'],
      ['crm', 'webhooks', 'crm'],
    ])
  })

  test('refuses a requirement that is not installed', async ({ assert }) => {
    const { problems } = await refusal('unmet')
    assert.include(problems, 'Plugin inbox requires messaging ^1.0.0, but messaging is not installed')
  })

  test('refuses a requirement installed at a version outside the range', async ({ assert }) => {
    const { problems } = await refusal('unmet')
    assert.include(problems, 'Plugin deals requires crm ^2.0.0, but crm 1.4.0 is installed')
  })

  test('refuses a plugin made for another core version', async ({ assert }) => {
    const { problems } = await refusal('unmet', '0.1.0')
    assert.include(
      problems,
      'Plugin future requires Switchboard core ^9.0.0, but the core is 0.1.0; upgrade Switchboard or use a release of future made for 0.1.0'
    )
    // The chain fixture requires ^0.1.0: a core outside it is refused too.
    const { problems: tooNew } = await refusal('chain', '0.2.0')
    assert.lengthOf(tooNew, 2)
    assert.match(tooNew[0], /^Plugin inbox requires Switchboard core \^0\.1\.0, but the core is 0\.2\.0/)
  })

  test('reports every problem at once, one line each', async ({ assert }) => {
    const { problems, message } = await refusal('unmet')
    assert.lengthOf(problems, 3)
    assert.match(message, /^3 problems with the plugins in tests\/fixtures\/plugins\/unmet:\n- /)
  })

  test('refuses invalid definitions with messages naming the plugin and the field', async ({ assert }) => {
    const { problems } = await refusal('invalid')
    const about = (folder: string) => problems.filter((problem) => problem.includes(`plugin ${folder} `) || problem.startsWith(`Plugin ${folder} `))

    assert.deepEqual(about('bad_name'), [
      'Plugin bad_name (tests/fixtures/plugins/invalid/bad_name/plugin.ts) is invalid: name must be kebab-case: lowercase letters and digits in words joined by hyphens, starting with a letter (e.g. "google-sheets")',
    ])
    assert.deepEqual(about('renamed'), [
      'Plugin renamed (tests/fixtures/plugins/invalid/renamed/plugin.ts) is invalid: name must equal the folder name "renamed" (found "other-name")',
    ])
    assert.deepEqual(about('bad-version'), [
      'Plugin bad-version (tests/fixtures/plugins/invalid/bad-version/plugin.ts) is invalid: version must be a semver version such as 1.2.0 (found "1.0")',
    ])
    assert.deepEqual(about('no-export'), [
      'Plugin no-export (tests/fixtures/plugins/invalid/no-export/plugin.ts) is invalid: the default export must be definePlugin({ ... })',
    ])
    assert.include(problems, 'Folder tests/fixtures/plugins/invalid/empty has no plugin.ts; every plugin folder needs one')
  })

  test('refuses parts that break the conventions', async ({ assert }) => {
    const { problems } = await refusal('invalid')
    const badParts = problems.find((problem) => problem.startsWith('Plugin bad-parts '))!
    assert.include(badParts, 'abilities "contacts.view" must be a dotted name starting with "bad-parts."')
    assert.include(badParts, `slots.contact.sidebar.view must be a template on the plugin's own disk, "bad-parts::…" (found "partials/card")`)
    assert.include(badParts, 'jobs.0.name must start with "bad-parts." (found "cleanup")')
    assert.include(
      problems,
      'Plugin unknown-ability: navigation.0 needs ability "nobody.declares.this", which neither the core, unknown-ability nor a plugin it requires declares'
    )
  })

  test('a plugin that requires a broken one says so, not "not installed"', async ({ assert }) => {
    const { problems } = await refusal('invalid')
    assert.include(
      problems,
      'Plugin needs-broken requires bad-version ^1.0.0, but bad-version could not be loaded (see its problem)'
    )
  })
})
