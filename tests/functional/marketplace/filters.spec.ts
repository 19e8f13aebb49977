import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { hooks } from '#hooks/bus'
import { marketplace } from '#marketplace/runtime'
import { installPackage } from '#marketplace/actions/install_package'
import MarketplaceInstallation from '#marketplace/models/installation'
import Message from '#messaging/models/message'
import { sendMessage } from '#messaging/actions/send_message'
import { Refusal } from '#messaging/services/refusal'
import type { SendMessageInput } from '#messaging/validators/message'
import { channelIn, conversationIn } from '#inbox/tests/support'
import { until } from '#messaging/tests/support'
import { workspaceWithMember } from '#database/factories/index'
import type Conversation from '#messaging/models/conversation'
import { manifestOf, published, trustAcme } from '#tests/helpers/marketplace'

const ID = 'com.acme.outbox-guard'

/**
 * Rewrites outgoing texts, cancels the ones that say STOP, faults on purpose (a throw, a result the
 * hook refuses, a CPU hog), and takes inbound messages that say "mine".
 */
const SCRIPT = `import { cancel, log } from 'switchboard:api'
export default {
  async 'message.beforeSend'(draft, context) {
    const body = draft.content.body
    log('before send', context.authorType, body)
    if (body.includes('STOP')) return cancel('Acme does not send STOP messages')
    if (body === 'throw') throw new Error('the guard broke')
    if (body === 'image') return { type: 'image', content: { link: 'https://example.com/x.png' } }
    if (body === 'spin') for (;;) {}
    return { ...draft, content: { ...draft.content, body: body + ' (via Acme)' } }
  },
  async 'message.claim'(claim) {
    return claim.content.body === 'mine'
  },
}`

const guard = () => manifestOf({ id: ID, name: 'Outbox guard', hooks: ['message.beforeSend', 'message.claim'], capabilities: { log: true }, settings: [], secrets: [] })

async function guardedWorkspace() {
  const { workspace, user } = await workspaceWithMember('admin')
  await trustAcme(workspace)
  const channel = await channelIn(workspace)
  const { contact, conversation } = await conversationIn(channel)
  return { workspace, user, channel, contact, conversation }
}

const send = (conversation: Conversation, body: string) =>
  sendMessage({ conversation, input: { type: 'text', text: { body } } as unknown as SendMessageInput, author: { type: 'agent', id: 1 } })

test.group('Marketplace: sandboxed filter and bail taps (message.beforeSend, message.claim)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => marketplace.clear())
  group.each.timeout(30_000)

  test('the consent screen says in plain words that the package may change or stop messages and take incoming ones', async ({ client, assert }) => {
    const { workspace, user } = await guardedWorkspace()
    await published(guard(), { script: SCRIPT })
    const page = await client.get(`/w/${workspace.slug}/marketplace/${ID}/install`).loginAs(user)
    page.assertStatus(200)
    const list = /data-testid="capabilities">([\s\S]*?)<\/ul>/.exec(page.text())![1]
    assert.include(list, 'Change or stop messages before they are sent')
    assert.include(list, 'Take incoming customer messages before your bots and team handle them')
    assert.include(list, 'Write lines to its own log')
  })

  test('a sandboxed script rewrites an outgoing text and cancels another, through the real runner; other workspaces are untouched', async ({ assert }) => {
    const a = await guardedWorkspace()
    const b = await guardedWorkspace()
    await published(guard(), { script: SCRIPT })
    await installPackage({ workspace: a.workspace, packageId: ID, consent: true, actorId: a.user.id })

    const rewritten = await send(a.conversation, 'Hello')
    assert.deepEqual((await Message.findOrFail(rewritten.id)).content, { body: 'Hello (via Acme)' })

    const refusal = await send(a.conversation, 'STOP the presses').catch((error: unknown) => error)
    assert.instanceOf(refusal, Refusal)
    assert.equal((refusal as Refusal).message, 'Acme does not send STOP messages')
    assert.equal(Number((await Message.query().where('conversation_id', a.conversation.id).count('* as n'))[0].$extras.n), 1)
    assert.deepEqual(marketplace.state(ID, a.workspace.id)?.logs, ['before send agent Hello', 'before send agent STOP the presses'])

    // Not installed in B: its messages go out as written.
    const plain = await send(b.conversation, 'STOP here is fine')
    assert.deepEqual((await Message.findOrFail(plain.id)).content, { body: 'STOP here is fine' })
  })

  test('a faulting filter fails open: a throw, a result the hook refuses, a CPU hog — each message goes out unchanged and the faults count until the installation is disabled', async ({ assert }) => {
    const { workspace, user, conversation } = await guardedWorkspace()
    await published(guard(), { script: SCRIPT })
    await installPackage({ workspace, packageId: ID, consent: true, actorId: user.id })
    const tapErrors = () => hooks.diagnostics().find((row) => row.name === 'message.beforeSend')!.taps.find((tap) => tap.plugin === `marketplace:${ID}`)!.errors
    const errorsBefore = tapErrors()

    for (const body of ['throw', 'image', 'spin']) {
      const sent = await send(conversation, body)
      assert.deepEqual((await Message.findOrFail(sent.id)).content, { body }, body)
    }
    const state = marketplace.state(ID, workspace.id)!
    assert.equal(state.faults, 3)
    assert.equal(state.status, 'disabled')
    assert.equal(tapErrors() - errorsBefore, 3)
    const metrics = await marketplace.gathered.read(ID, workspace.id, 0)
    assert.equal(metrics.faults, 3)
    assert.equal(metrics.lastFault?.kind, 'cpu')
    // The fault window's verdict reaches the row (and so every process).
    await until(async () => (await MarketplaceInstallation.query().where('workspace_id', workspace.id).where('package_id', ID).firstOrFail()).status === 'disabled', 'the row disabled')

    // Disabled: messages go out untouched, nothing runs.
    const after = await send(conversation, 'Hello')
    assert.deepEqual((await Message.findOrFail(after.id)).content, { body: 'Hello' })
  })

  test('a bad result names what the hook accepts', async ({ assert }) => {
    const { workspace, user, conversation } = await guardedWorkspace()
    await published(guard(), { script: SCRIPT })
    await installPackage({ workspace, packageId: ID, consent: true, actorId: user.id })
    await send(conversation, 'image')
    const fault = marketplace.state(ID, workspace.id)!.lastFault!
    assert.equal(fault.kind, 'payload')
    assert.match(fault.message, /"message\.beforeSend" refused the script's result: .*may only change a text message’s body/)
  })

  test('a sandboxed script claims an inbound message (bail): the first answer wins, others are left', async ({ assert }) => {
    const { workspace, user, channel, contact, conversation } = await guardedWorkspace()
    await published(guard(), { script: SCRIPT })
    await installPackage({ workspace, packageId: ID, consent: true, actorId: user.id })
    const claim = (body: string) =>
      hooks.ask('message.claim', { workspaceId: workspace.id, messageId: 1, conversationId: conversation.id, contactId: contact.id, channelId: channel.id, type: 'text', content: { body }, firstMessage: false })
    assert.deepEqual(await claim('mine'), { plugin: `marketplace:${ID}` })
    assert.isUndefined(await claim('yours'))
  })

  test('a package tapping a bail hook not open to sandboxed scripts is quarantined on load, with the reason', async ({ assert }) => {
    const { workspace, user } = await guardedWorkspace()
    const id = 'com.acme.assigner'
    await published(manifestOf({ id, hooks: ['conversation.assign'], capabilities: { log: true }, settings: [], secrets: [] }), { script: `export default { 'conversation.assign'() { return { assigneeId: 1, teamId: null } } }` })
    const { installation } = await installPackage({ workspace, packageId: id, consent: true, actorId: user.id })
    assert.equal(installation.status, 'quarantined')
    assert.include(installation.lastFault, '"conversation.assign", a bail hook that is not open to sandboxed scripts')
  })
})
