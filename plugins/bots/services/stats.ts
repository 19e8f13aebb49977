import db from '@adonisjs/lucid/services/db'
import type Flow from '#bots/models/flow'
import type FlowVersion from '#bots/models/flow_version'

/**
 * A flow's numbers: sessions started, completed, handed off, and per node how many sessions
 * entered it and how many stopped there (idle, or a human took over), in the live version's
 * node order (nodes of earlier versions after them).
 */
export async function flowStats(flow: Flow, versions: FlowVersion[]) {
  const rows: { node_id: string; entered: number; dropped: number }[] = await db
    .from('bot_node_stats')
    .where('workspace_id', flow.workspaceId)
    .where('flow_id', flow.id)
    .select('node_id', 'entered', 'dropped')
  const live = versions.find((version) => version.state === 'published') ?? versions[0]
  const order = new Map((live?.definition.nodes ?? []).map((node, index) => [node.id, index]))
  const typeOf = new Map((live?.definition.nodes ?? []).map((node) => [node.id, node.type]))
  const nodes = rows
    .map((row) => ({ nodeId: row.node_id, type: typeOf.get(row.node_id) ?? null, entered: row.entered, dropped: row.dropped, dropRate: row.entered ? Math.round((row.dropped / row.entered) * 100) : 0 }))
    .sort((a, b) => (order.get(a.nodeId) ?? Infinity) - (order.get(b.nodeId) ?? Infinity) || a.nodeId.localeCompare(b.nodeId))
  return { started: flow.sessionsStarted, completed: flow.sessionsCompleted, handedOff: flow.sessionsHandedOff, nodes }
}
