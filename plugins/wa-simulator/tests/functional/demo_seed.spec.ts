import { test } from '@japa/runner'
import { spawn } from 'node:child_process'
import app from '@adonisjs/core/services/app'
import { truncateTables } from '#tests/helpers/database'
import User from '#auth/models/user'
import Membership from '#tenancy/models/membership'
import Channel from '#messaging/models/channel'
import { pluginEnablement } from '#plugins/enablement'

/** Runs `node ace <args>` as its own process (the console environment), on the tests' database. */
function aceProcess(args: string[]) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['ace', ...args], { cwd: app.appRoot, env: { ...process.env, WA_SIMULATOR_URL: 'http://127.0.0.1:9' } })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('exit', (code) => resolve({ code, output }))
  })
}

/**
 * The quickstart's seeding step, run as the quickstart runs it: a command in a process of its
 * own, where no web server has committed the routes (the channel's webhook URL needs them).
 */
test.group('Quickstart demo seeders', (group) => {
  group.each.teardown(() => truncateTables())

  test('the demo account gets a workspace with messaging, the inbox, CRM and bots on, and a simulator channel', async ({ assert }) => {
    const { code, output } = await aceProcess(['db:seed', '--files=database/seeders/demo_seeder.ts', '--files=plugins/wa-simulator/database/seeders/demo_channel_seeder.ts'])
    assert.equal(code, 0, output)

    const user = await User.findByOrFail('email', 'demo@switchboard.local')
    const membership = await Membership.findByOrFail('user_id', user.id)
    const channel = await Channel.findByOrFail('workspace_id', membership.workspaceId)
    assert.equal(channel.apiBaseUrl, 'http://127.0.0.1:9')
    // Read from the database: this process's in-memory view predates the seeding.
    await pluginEnablement.changed(membership.workspaceId)
    const enabled = await pluginEnablement.enabledIn(membership.workspaceId)
    for (const plugin of ['messaging', 'whatsapp-cloud', 'inbox', 'crm', 'bots']) assert.isTrue(enabled.has(plugin), plugin)
  }).timeout(60_000)
})
