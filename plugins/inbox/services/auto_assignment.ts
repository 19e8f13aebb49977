import type Workspace from '#tenancy/models/workspace'
import { saveSettings, settingsOf } from '#plugins/settings'

/**
 * The workspace's auto-assignment settings, kept in the inbox's plugin settings (key
 * `autoAssign`): off by default; `capacity` open + pending conversations per agent; `teamId`
 * restricts it to that team's members (and gives the conversations it assigns that team).
 */
export interface AutoAssignment {
  enabled: boolean
  capacity: number
  teamId: number | null
}

export const AUTO_ASSIGNMENT_DEFAULTS: AutoAssignment = { enabled: false, capacity: 5, teamId: null }

export async function autoAssignmentOf(workspaceId: number): Promise<AutoAssignment> {
  const settings = await settingsOf(workspaceId, 'inbox')
  return { ...AUTO_ASSIGNMENT_DEFAULTS, ...(settings.autoAssign as Partial<AutoAssignment> | undefined) }
}

export async function saveAutoAssignment(workspace: Workspace, values: AutoAssignment, actorId: number) {
  const settings = await settingsOf(workspace.id, 'inbox')
  await saveSettings(workspace, 'inbox', { ...settings, autoAssign: values }, actorId)
}
