import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { hooks } from '#hooks/bus'
import User from '#auth/models/user'
import { PASSWORD, workspaceWithMember } from '#database/factories/index'
import { latestMailTo, linkIn } from '#tests/helpers/mailbox'

/*
| The core emits its own events on the hook bus, so plugins can react to them. Taps cannot
| be removed, so this file observes through one tap per event for the whole run.
*/
const seen: { hook: string; payload: Record<string, unknown> }[] = []
let observing = false
function observe() {
  if (observing) return
  observing = true
  for (const hook of ['workspace.created', 'member.joined', 'user.loggedIn', 'token.created'] as const) {
    hooks.tap(hook, { plugin: 'core' }, async (payload: object) => {
      seen.push({ hook, payload: payload as Record<string, unknown> })
    })
  }
}
const last = (hook: string) => seen.filter((event) => event.hook === hook).at(-1)?.payload

test.group('Core events on the hook bus', (group) => {
  group.setup(() => observe())
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('sign-up emits workspace.created, after the data is committed', async ({ client, assert }) => {
    await client
      .post('/signup')
      .form({ fullName: 'Hook Person', email: 'hooks@example.com', password: 'long-enough-1', organizationName: 'Hooked' })
      .withCsrfToken()
      .redirects(0)
    const event = last('workspace.created')
    assert.equal(event?.name, 'Hooked')
    const user = await User.findByOrFail('email', 'hooks@example.com')
    assert.equal(event?.createdById, user.id)
  })

  test('logging in emits user.loggedIn; accepting an invitation emits member.joined', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('admin')
    await client.post('/login').form({ email: user.email, password: PASSWORD }).withCsrfToken().redirects(0)
    assert.deepEqual(last('user.loggedIn'), { workspaceId: null, userId: user.id, twoFactor: false })

    await client
      .post(`/w/${workspace.slug}/invitations`)
      .form({ email: 'joiner@example.com', role: 'agent' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    const link = linkIn((await latestMailTo('joiner@example.com'))!)
    await client.post(link.pathname).form({ fullName: 'Joiner', password: 'welcome-aboard' }).withCsrfToken().redirects(0)
    const joined = last('member.joined')
    assert.equal(joined?.workspaceId, workspace.id)
    assert.equal(joined?.role, 'agent')
    assert.equal(joined?.invitedById, user.id)
  })
})
