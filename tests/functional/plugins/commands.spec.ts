import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import { discoverPlugins } from '#plugins/discovery'
import { pluginEnablement } from '#plugins/enablement'
import PluginInstallation from '#plugins/installation'
import AuditLog from '#audit/audit_log'
import { workspaceWithMember } from '#database/factories/index'
import { runAce, setUpAce } from '#tests/helpers/ace'
import { useFixturePlugins } from '#tests/helpers/plugins'


test.group('plugin:list, plugin:enable, plugin:disable', (group) => {
  const cli = setUpAce(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('plugin:list shows each installed plugin with its version, requirements and enabled count', async ({ assert }) => {
    const a = await workspaceWithMember('owner')
    const b = await workspaceWithMember('owner')
    await pluginEnablement.enable(a.workspace, 'sample-notes', a.user.id)
    await pluginEnablement.enable(b.workspace, 'sample-notes', b.user.id)
    const expected = (await PluginInstallation.query().where('plugin', 'sample-notes').where('enabled', true)).length

    const { command, output } = await runAce(cli.ace, 'plugin:list', [])

    assert.equal(command.exitCode, 0, output)
    const row = output.split('\n').find((line) => line.includes('sample-notes'))
    assert.exists(row, output)
    assert.include(row!, '1.0.0')
    assert.include(row!, 'core ^0.1.0')
    assert.include(row!, `${expected} workspaces`)
  })

  test('plugin:enable turns a plugin on in that workspace only; plugin:disable turns it off', async ({ assert }) => {
    const a = await workspaceWithMember('owner')
    const b = await workspaceWithMember('owner')

    const on = await runAce(cli.ace, 'plugin:enable', ['sample-notes', '--workspace', a.workspace.slug])
    assert.equal(on.command.exitCode, 0, on.output)
    assert.include(on.output, 'Enabled sample-notes')
    assert.isTrue(pluginEnablement.isEnabled('sample-notes', a.workspace.id))
    assert.isFalse(pluginEnablement.isEnabled('sample-notes', b.workspace.id))
    const audit = await AuditLog.query().where('workspace_id', a.workspace.id).where('action', 'plugin.enabled').firstOrFail()
    assert.isNull(audit.actorId, 'the operator has no user id')

    const again = await runAce(cli.ace, 'plugin:enable', ['sample-notes', '--workspace', a.workspace.slug])
    assert.equal(again.command.exitCode, 0)
    assert.include(again.output, 'already enabled')

    const off = await runAce(cli.ace, 'plugin:disable', ['sample-notes', '--workspace', a.workspace.slug])
    assert.equal(off.command.exitCode, 0, off.output)
    assert.isFalse(pluginEnablement.isEnabled('sample-notes', a.workspace.id))
    assert.lengthOf(await AuditLog.query().where('workspace_id', a.workspace.id).where('action', 'plugin.disabled'), 1)
  })

  test('an unknown plugin or workspace exits 1 with a clear message', async ({ assert }) => {
    const { workspace } = await workspaceWithMember('owner')

    for (const name of ['plugin:enable', 'plugin:disable']) {
      const plugin = await runAce(cli.ace, name, ['no-such-plugin', '--workspace', workspace.slug])
      assert.equal(plugin.command.exitCode, 1, name)
      assert.include(plugin.output, 'No plugin "no-such-plugin" is installed')
      assert.include(plugin.output, 'sample-notes', 'it names what is installed')

      const place = await runAce(cli.ace, name, ['sample-notes', '--workspace', 'no-such-workspace'])
      assert.equal(place.command.exitCode, 1, name)
      assert.include(place.output, 'No workspace "no-such-workspace"')
    }
    assert.isFalse(pluginEnablement.isEnabled('sample-notes', workspace.id))
  })
})

test.group('plugin:enable and plugin:disable with requirements (messaging ← inbox ← bots)', (group) => {
  const cli = setUpAce(group)
  useFixturePlugins(group, 'chain')
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('enabling turns on the required chain and says so; disabling a required plugin is refused naming the blockers', async ({
    assert,
  }) => {
    const { workspace } = await workspaceWithMember('owner')

    const on = await runAce(cli.ace, 'plugin:enable', ['bots', '--workspace', workspace.slug])
    assert.equal(on.command.exitCode, 0, on.output)
    assert.include(on.output, 'messaging → inbox → bots')
    assert.deepEqual([...(await pluginEnablement.enabledIn(workspace.id))].sort(), ['bots', 'inbox', 'messaging'])

    const refused = await runAce(cli.ace, 'plugin:disable', ['messaging', '--workspace', workspace.slug])
    assert.equal(refused.command.exitCode, 1)
    assert.include(refused.output, 'messaging cannot be disabled: bots and inbox require it')
    assert.isTrue(pluginEnablement.isEnabled('messaging', workspace.id))

    for (const name of ['bots', 'inbox', 'messaging']) {
      const off = await runAce(cli.ace, 'plugin:disable', [name, '--workspace', workspace.slug])
      assert.equal(off.command.exitCode, 0, off.output)
    }
    assert.equal((await pluginEnablement.enabledIn(workspace.id)).size, 0)
  })
})

test.group('make:plugin', (group) => {
  const cli = setUpAce(group)
  /** Generated folders live in the repo's tmp/ (so #aliases resolve), removed after each test. */
  const made: string[] = []
  const tempRoot = () => {
    const root = app.makePath('tmp', `make-plugin-${randomBytes(4).toString('hex')}`)
    made.push(root)
    return root
  }
  group.each.teardown(async () => {
    for (const root of made.splice(0)) await rm(root, { recursive: true, force: true })
  })

  const FILES = (name: string) => [
    'plugin.ts',
    'routes.ts',
    'README.md',
    'views/pages/index.edge',
    `lang/en/${name}.json`,
    `lang/ru/${name}.json`,
    `tests/functional/${name}.spec.ts`,
  ]

  test('creates the plugin folder with every convention, and the definition is valid', async ({ assert }) => {
    const root = tempRoot()
    const { command, output } = await runAce(cli.ace, 'make:plugin', ['shop-notes', '--root', root])

    assert.equal(command.exitCode, 0, output)
    for (const file of FILES('shop-notes')) {
      assert.isTrue(existsSync(join(root, 'shop-notes', file)), `${file} is created`)
      assert.include(output, join(relative(process.cwd(), root), 'shop-notes', file), `${file} is listed`)
    }
    assert.include(output, 'plugin:enable shop-notes --workspace')
    assert.include(output, 'Plugins')

    const discovered = await discoverPlugins(root)
    assert.lengthOf(discovered, 1)
    const [plugin] = discovered
    assert.equal(plugin.name, 'shop-notes')
    assert.equal(plugin.version, '0.1.0')
    assert.deepEqual(plugin.requires, { core: '^0.1.0', plugins: {} })
    assert.deepEqual(plugin.definition.abilities?.['shop-notes.view']?.roles, ['owner', 'admin', 'agent'])
    assert.deepEqual(plugin.definition.navigation?.[0], {
      label: 'shop-notes.nav',
      icon: 'puzzle',
      route: 'shop-notes.index',
      ability: 'shop-notes.view',
      section: 'main',
      order: 100,
    })
    assert.isNotNull(plugin.paths.routes)
    assert.isNotNull(plugin.paths.views)
    assert.isNotNull(plugin.paths.lang)
    assert.isNotNull(plugin.paths.tests)

    const view = await readFile(join(root, 'shop-notes', 'views/pages/index.edge'), 'utf8')
    assert.include(view, "@layouts.app({ title: t('shop-notes.title') })")
    const en = JSON.parse(await readFile(join(root, 'shop-notes', 'lang/en/shop-notes.json'), 'utf8'))
    assert.onlyProperties(en, ['nav', 'title', 'empty'])
    const ru = JSON.parse(await readFile(join(root, 'shop-notes', 'lang/ru/shop-notes.json'), 'utf8'))
    assert.onlyProperties(ru, ['nav', 'title', 'empty'])
  })

  test('--description goes into the definition, quotes and all', async ({ assert }) => {
    const root = tempRoot()
    const description = `Shows the team's "hello" page \\ nothing else`
    const { command, output } = await runAce(cli.ace, 'make:plugin', ['greeter', '--root', root, '--description', description])
    assert.equal(command.exitCode, 0, output)
    const [plugin] = await discoverPlugins(root)
    assert.equal(plugin.description, description)
  })

  test('refuses a name that is not kebab-case, is taken by the core, or whose folder exists', async ({ assert }) => {
    const root = tempRoot()
    for (const name of ['Hello', 'hello_world', '1st', 'hello--world', 'members', 'plugins', 'nav']) {
      const { command, output } = await runAce(cli.ace, 'make:plugin', [name, '--root', root])
      assert.equal(command.exitCode, 1, `${name}: ${output}`)
      assert.isFalse(existsSync(join(root, name)), `${name} is not created`)
    }

    const installed = await runAce(cli.ace, 'make:plugin', ['sample-notes', '--root', root])
    assert.equal(installed.command.exitCode, 1)
    assert.include(installed.output, 'already installed')

    assert.equal((await runAce(cli.ace, 'make:plugin', ['twice', '--root', root])).command.exitCode, 0)
    const twice = await runAce(cli.ace, 'make:plugin', ['twice', '--root', root])
    assert.equal(twice.command.exitCode, 1)
    assert.include(twice.output, 'already exists')
  })

  test('what it generates type-checks against the app (tsc --noEmit)', async ({ assert }) => {
    const root = tempRoot()
    const { command, output } = await runAce(cli.ace, 'make:plugin', ['hello-world', '--root', root])
    assert.equal(command.exitCode, 0, output)

    // The generated files plus what declares the app's ambient types (config/*, adonisrc's
    // providers and preloads, the Japa plugins of tests/bootstrap.ts). The tsconfig itself goes
    // to the OS temp folder (absolute paths), so the dev tooling watching the repo never sees it.
    const configDir = await mkdtemp(join(tmpdir(), 'make-plugin-tsconfig-'))
    made.push(configDir)
    const tsconfig = join(configDir, 'tsconfig.json')
    await writeFile(
      tsconfig,
      JSON.stringify({
        extends: app.makePath('tsconfig.json'),
        // Type packages are looked up from the tsconfig's folder unless told where they are.
        compilerOptions: { typeRoots: [app.makePath('node_modules/@types')], types: ['node'] },
        include: [app.makePath('config/**/*'), app.makePath('adonisrc.ts'), app.makePath('tests/bootstrap.ts')],
        files: ['plugin.ts', 'routes.ts', 'tests/functional/hello-world.spec.ts'].map((file) => join(root, 'hello-world', file)),
      })
    )
    const tsc = spawnSync(process.execPath, [app.makePath('node_modules/typescript/bin/tsc'), '--noEmit', '-p', tsconfig], {
      cwd: app.makePath(),
      encoding: 'utf8',
      timeout: 120_000,
    })
    assert.equal(tsc.status, 0, `${tsc.stdout}${tsc.stderr}`)
  }).timeout(150_000)

  test('the plugin it generates passes its own test', async ({ assert }) => {
    // Generated into the real plugins/ (a test run discovers plugins there), run by a separate
    // test runner on another port, then removed.
    const name = `gen-${randomBytes(3).toString('hex')}`
    const root = app.makePath('plugins')
    made.push(join(root, name))
    const { command, output } = await runAce(cli.ace, 'make:plugin', [name])
    assert.equal(command.exitCode, 0, output)

    const run = spawnSync(process.execPath, ['ace', 'test', 'functional', `--files=plugins/${name}/tests/functional/${name}.spec.ts`], {
      cwd: app.makePath(),
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NODE_ENV: 'test', PORT: '3398' },
    })
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`)
    assert.match(run.stdout, /1 passed/)
  }).timeout(150_000)
})
