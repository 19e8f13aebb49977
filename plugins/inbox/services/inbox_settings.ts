import type { HttpContext } from '@adonisjs/core/http'
import { assignableMembers } from '#inbox/services/members'
import { presenceOfMembers } from '#inbox/services/presence'
import { teamsOf } from '#inbox/services/teams'
import { autoAssignmentOf } from '#inbox/services/auto_assignment'

/** The inbox's settings page: teams with their members, who can be in one (with presence), and auto-assignment. */
export async function inboxSettingsPage(ctx: HttpContext) {
  const workspaceId = ctx.tenant.workspace.id
  const [teams, members, autoAssign] = await Promise.all([teamsOf(workspaceId), assignableMembers(workspaceId), autoAssignmentOf(workspaceId)])
  // The members come with their away switch: their presence needs Redis only.
  const presence = await presenceOfMembers(workspaceId, members)
  return {
    teams,
    members: members.map((member) => ({ ...member, presence: presence.get(member.id) })),
    autoAssign,
  }
}
