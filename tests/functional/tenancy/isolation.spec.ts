import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import router from '@adonisjs/core/services/router'
import { DateTime } from 'luxon'
import Membership from '#tenancy/models/membership'
import Invitation from '#tenancy/models/invitation'
import { issueApiToken } from '#auth/api_tokens'
import { addMember, makeOrganizationStaff, UserFactory, workspaceWithMember } from '#database/factories/index'

interface WorkspaceRoute {
  pattern: string
  method: string
  name: string
}

/** Every route mounted under /w/:workspace, one row per HTTP method (HEAD excluded), across all domains. */
function workspaceRoutes(): WorkspaceRoute[] {
  router.commit()
  const byDomain = router.toJSON() as Record<string, { pattern: string; methods: string[]; name?: string }[]>
  const rows: WorkspaceRoute[] = []
  for (const routes of Object.values(byDomain)) {
    for (const route of routes) {
      if (!route.pattern.startsWith('/w/:workspace')) continue
      for (const method of route.methods) {
        if (method.toUpperCase() === 'HEAD') continue
        rows.push({ pattern: route.pattern, method: method.toUpperCase(), name: route.name ?? route.pattern })
      }
    }
  }
  return rows
}

/** Builds the victim's URL for a route, using real record ids of the victim's workspace where they exist. */
function urlFor(
  route: WorkspaceRoute,
  slug: string,
  ids: { membership: number; invitation: number; apiToken: number }
) {
  const pattern = route.pattern
  return pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment
      const param = segment.slice(1).replace(/\?$/, '')
      if (param === 'workspace') return slug
      if (param === 'queue') return 'default'
      if (param === 'id') {
        if (pattern.includes('/members/')) return String(ids.membership)
        if (pattern.includes('/invitations/')) return String(ids.invitation)
        if (pattern.includes('/api-tokens/')) return String(ids.apiToken)
        return '1'
      }
      return '1'
    })
    .join('/')
}

test.group('Tenant isolation', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a member of another workspace gets 404 on every workspace route', async ({ client, assert }) => {
    const { workspace: victim, user: victimOwner } = await workspaceWithMember('owner')
    const victimAgent = await addMember(victim, 'agent')
    const victimAgentMembership = await Membership.query()
      .where('workspace_id', victim.id)
      .where('user_id', victimAgent.id)
      .firstOrFail()
    const invitation = await Invitation.create({
      workspaceId: victim.id,
      email: 'pending@example.com',
      role: 'agent',
      tokenHash: 'x'.repeat(64),
      invitedById: victimOwner.id,
      expiresAt: DateTime.now().plus({ days: 7 }),
    })
    const token = await issueApiToken(victimOwner, victim, 'victim token', ['workspace.view'])

    // The intruder owns a workspace of their own, in another organization.
    const { user: intruder } = await workspaceWithMember('owner')

    const routes = workspaceRoutes()
    assert.isAbove(routes.length, 5, 'the /w/:workspace routes were enumerated')
    assert.isTrue(
      routes.some((route) => route.pattern.includes(':id')),
      'routes with an :id parameter are covered'
    )
    assert.includeMembers(
      routes.map((route) => `${route.method} ${route.pattern}`),
      ['GET /w/:workspace', 'PUT /w/:workspace/members/:id', 'DELETE /w/:workspace/api-tokens/:id']
    )

    const ids = { membership: victimAgentMembership.id, invitation: invitation.id, apiToken: token.id }
    const leaks: string[] = []
    for (const route of routes) {
      const url = urlFor(route, victim.slug, ids)
      let request = client
        .request(url, route.method as any)
        .loginAs(intruder)
        .header('accept', 'application/json')
        .redirects(0)
      if (route.method !== 'GET') request = request.withCsrfToken()
      const response = await request
      if (response.status() !== 404) leaks.push(`${route.method} ${url} -> ${response.status()}`)
    }
    assert.deepEqual(leaks, [], 'every workspace route answers 404 to a non-member')

    // Nothing of the victim's was touched along the way.
    await victimAgentMembership.refresh()
    assert.equal(victimAgentMembership.role, 'agent')
    assert.isNotNull(await Invitation.find(invitation.id))
    assert.lengthOf(await Membership.query().where('workspace_id', victim.id), 2)
  })

  test('staff of the owning organization can open a workspace they are not a member of; staff of another organization cannot', async ({ client }) => {
    const { workspace: victim } = await workspaceWithMember('owner')

    const agencyAdmin = await UserFactory.create()
    await makeOrganizationStaff(victim, agencyAdmin, 'admin')
    const allowed = await client.get(`/w/${victim.slug}`).loginAs(agencyAdmin).redirects(0)
    allowed.assertStatus(200)

    const { workspace: other } = await workspaceWithMember('owner')
    const foreignStaff = await UserFactory.create()
    await makeOrganizationStaff(other, foreignStaff, 'owner')
    const refused = await client
      .get(`/w/${victim.slug}`)
      .loginAs(foreignStaff)
      .header('accept', 'application/json')
      .redirects(0)
    refused.assertStatus(404)
  })

  test('an owner cannot change a membership of another workspace through their own workspace URL', async ({ client, assert }) => {
    const { workspace: mine, user: owner } = await workspaceWithMember('owner')
    const { workspace: theirs } = await workspaceWithMember('owner')
    const theirAgent = await addMember(theirs, 'agent')
    const theirMembership = await Membership.query()
      .where('workspace_id', theirs.id)
      .where('user_id', theirAgent.id)
      .firstOrFail()

    const response = await client
      .put(`/w/${mine.slug}/members/${theirMembership.id}`)
      .json({ role: 'admin' })
      .loginAs(owner)
      .withCsrfToken()
      .header('accept', 'application/json')
      .redirects(0)

    response.assertStatus(404)
    await theirMembership.refresh()
    assert.equal(theirMembership.role, 'agent')
    assert.equal(theirMembership.workspaceId, theirs.id)

    const removal = await client
      .delete(`/w/${mine.slug}/members/${theirMembership.id}`)
      .loginAs(owner)
      .withCsrfToken()
      .header('accept', 'application/json')
      .redirects(0)
    removal.assertStatus(404)
    assert.isNotNull(await Membership.find(theirMembership.id))
  })

  test('an owner cannot revoke another workspace\'s API token or invitation through their own workspace URL', async ({ client, assert }) => {
    const { workspace: mine, user: owner } = await workspaceWithMember('owner')
    const { workspace: theirs, user: theirOwner } = await workspaceWithMember('owner')
    const theirToken = await issueApiToken(theirOwner, theirs, 'their token', ['workspace.view'])
    const theirInvitation = await Invitation.create({
      workspaceId: theirs.id,
      email: 'their-invitee@example.com',
      role: 'viewer',
      tokenHash: 'y'.repeat(64),
      invitedById: theirOwner.id,
      expiresAt: DateTime.now().plus({ days: 7 }),
    })

    const tokenRevoke = await client
      .delete(`/w/${mine.slug}/api-tokens/${theirToken.id}`)
      .loginAs(owner)
      .withCsrfToken()
      .header('accept', 'application/json')
      .redirects(0)
    tokenRevoke.assertStatus(404)
    const stillWorks = await client.get('/api/v1/workspace').bearerToken(theirToken.secret)
    stillWorks.assertStatus(200)
    assert.equal(stillWorks.body().data.slug, theirs.slug)

    const invitationRevoke = await client
      .delete(`/w/${mine.slug}/invitations/${theirInvitation.id}`)
      .loginAs(owner)
      .withCsrfToken()
      .header('accept', 'application/json')
      .redirects(0)
    invitationRevoke.assertStatus(404)
    assert.isNotNull(await Invitation.find(theirInvitation.id))
  })
})
