import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Kernel } from '@adonisjs/core/ace'
import User from '#auth/models/user'
import Workspace from '#tenancy/models/workspace'
import Membership from '#tenancy/models/membership'
import AuditLog from '#audit/audit_log'
import { workspaceWithMember } from '#database/factories/index'
import { runAce } from '#tests/helpers/ace'


test.group('Ace commands', (group) => {
  let ace: Kernel

  group.setup(async () => {
    ace = await app.container.make('ace')
    ace.ui.switchMode('raw')
    return () => ace.ui.switchMode('normal')
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('workspace:create creates the workspace with its owner', async ({ assert }) => {
    const { command, logs } = await runAce(ace, 'workspace:create', ['Acme Support', '--owner', 'ops@example.com'])

    assert.equal(command.exitCode, 0, logs.join('\n'))
    const owner = await User.findByOrFail('email', 'ops@example.com')
    const workspace = await Workspace.findByOrFail('name', 'Acme Support')
    const membership = await Membership.query()
      .where('workspace_id', workspace.id)
      .where('user_id', owner.id)
      .firstOrFail()
    assert.equal(membership.role, 'owner')
    assert.isTrue(logs.some((line) => line.includes(`/w/${workspace.slug}`)), 'it prints where the workspace lives')
  })

  test('workspace:create for an existing account adds a workspace to their organization', async ({ assert }) => {
    const first = await runAce(ace, 'workspace:create', ['First Desk', '--owner', 'lead@example.com'])
    assert.equal(first.command.exitCode, 0, first.logs.join('\n'))
    const firstWorkspace = await Workspace.findByOrFail('name', 'First Desk')

    const second = await runAce(ace, 'workspace:create', ['Second Desk', '--owner', 'Lead@Example.com'])
    assert.equal(second.command.exitCode, 0, second.logs.join('\n'))
    const secondWorkspace = await Workspace.findByOrFail('name', 'Second Desk')

    assert.equal(secondWorkspace.organizationId, firstWorkspace.organizationId)
    const lead = await User.findByOrFail('email', 'lead@example.com')
    const membership = await Membership.query()
      .where('workspace_id', secondWorkspace.id)
      .where('user_id', lead.id)
      .firstOrFail()
    assert.equal(membership.role, 'owner')
    assert.lengthOf(await User.query().where('email', 'lead@example.com'), 1)
  })

  test('workspace:create refuses a bad e-mail and creates nothing', async ({ assert }) => {
    const { command } = await runAce(ace, 'workspace:create', ['Nowhere', '--owner', 'not-an-email'])

    assert.equal(command.exitCode, 1)
    assert.isNull(await Workspace.findBy('name', 'Nowhere'))
  })

  test('token:create prints a token that works against the API', async ({ client, assert }) => {
    const { workspace, user } = await workspaceWithMember('owner')

    const { command, stdout, logs } = await runAce(ace, 'token:create', ['--workspace', workspace.slug, '--name', 'ci'])

    assert.equal(command.exitCode, 0, logs.join('\n'))
    assert.lengthOf(stdout, 1, 'the token alone is printed, so scripts can capture it')
    const secret = stdout[0].trim()
    assert.isAbove(secret.length, 20)

    const response = await client.get('/api/v1/workspace').bearerToken(secret)
    response.assertStatus(200)
    assert.equal(response.body().data.slug, workspace.slug)

    const audit = await AuditLog.query()
      .where('action', 'token.created')
      .where('workspace_id', workspace.id)
      .firstOrFail()
    assert.equal(audit.actorId, user.id)
  })

  test('token:create for an unknown workspace exits 1 and prints no token', async ({ assert }) => {
    const { command, stdout, logs } = await runAce(ace, 'token:create', ['--workspace', 'no-such-workspace', '--name', 'ci'])

    assert.equal(command.exitCode, 1)
    assert.lengthOf(stdout, 0)
    assert.isTrue(logs.some((line) => line.includes('no-such-workspace')))
  })
})
