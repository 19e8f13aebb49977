import type User from '#auth/models/user'
import type Workspace from '#tenancy/models/workspace'
import type Contact from '#messaging/models/contact'
import QuickReply from '#inbox/models/quick_reply'

/** Quick replies a page of the settings list shows. */
export const QUICK_REPLIES_PAGE = 25
/** Matches the composer's popup offers at once. */
const POPUP_MATCHES = 8

/** `%` and `_` are LIKE's wildcards: a search means them literally. */
const literal = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`)

/** This workspace's quick replies (shortcut, then text, matching `q`), by shortcut. */
export function quickRepliesOf(workspaceId: number, q?: string) {
  const query = QuickReply.query().where('workspace_id', workspaceId).orderBy('shortcut')
  if (q) query.where((match) => match.whereILike('shortcut', `%${literal(q)}%`).orWhereILike('body', `%${literal(q)}%`))
  return query
}

/** The composer's popup: shortcuts starting with `q` first, then those containing it. */
export async function popupMatches(workspaceId: number, q = '') {
  const prefix = await QuickReply.query().where('workspace_id', workspaceId).whereLike('shortcut', `${literal(q.toLowerCase())}%`).orderBy('shortcut').limit(POPUP_MATCHES)
  if (prefix.length === POPUP_MATCHES || !q) return prefix
  const inside = await quickRepliesOf(workspaceId, q)
    .whereNotIn('id', prefix.map((reply) => reply.id))
    .limit(POPUP_MATCHES - prefix.length)
  return [...prefix, ...inside]
}

/** The variables a quick reply may use (the settings form lists them). */
export const QUICK_REPLY_VARIABLES = ['contact.name', 'contact.first_name', 'contact.phone', 'agent.name', 'workspace.name'] as const
type QuickReplyVariable = (typeof QUICK_REPLY_VARIABLES)[number]

export interface QuickReplyContext {
  contact: Pick<Contact, 'name' | 'profileName' | 'phone'>
  agent: Pick<User, 'fullName'>
  workspace: Pick<Workspace, 'name'>
}

/**
 * The values of a quick reply's variables for one conversation. A contact without a name is
 * called by their WhatsApp profile name, and without one by their phone number: a greeting
 * then reads "Hi +44…" rather than "Hi ," (the agent sees it before sending).
 */
function variablesOf({ contact, agent, workspace }: QuickReplyContext): Record<QuickReplyVariable, string> {
  const name = contact.name?.trim() || contact.profileName?.trim() || ''
  return {
    'contact.name': name || contact.phone,
    'contact.first_name': name.split(/\s+/)[0] || contact.phone,
    'contact.phone': contact.phone,
    'agent.name': agent.fullName,
    'workspace.name': workspace.name,
  }
}

/** The body with its variables filled (`{{contact.name}}`, spaces inside the braces allowed); unknown ones stay as written. */
export function fillVariables(body: string, context: QuickReplyContext) {
  const values: Record<string, string> = variablesOf(context)
  return body.replace(/\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}/g, (written, name: string) => values[name] ?? written)
}
