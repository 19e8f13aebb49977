import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
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

/**
 * Adds to the per-node counters, one statement for any number of nodes: `entered` by a step,
 * `dropped` by a pause or a sweep. Repeats are summed first (one statement cannot update a row twice).
 */
export async function countNodes(client: QueryClientContract, column: 'entered' | 'dropped', nodes: { workspaceId: number; flowId: number; nodeId: string }[]) {
  const counts = new Map<string, { workspaceId: number; flowId: number; nodeId: string; count: number }>()
  for (const node of nodes) {
    const key = `${node.workspaceId}:${node.flowId}:${node.nodeId}`
    counts.set(key, { ...node, count: (counts.get(key)?.count ?? 0) + 1 })
  }
  if (!counts.size) return
  const rows = [...counts.values()]
  await client.rawQuery(
    `insert into bot_node_stats (workspace_id, flow_id, node_id, ${column})
     select * from unnest(?::int[], ?::int[], ?::text[], ?::int[])
     on conflict (workspace_id, flow_id, node_id) do update set ${column} = bot_node_stats.${column} + excluded.${column}`,
    [rows.map((row) => row.workspaceId), rows.map((row) => row.flowId), rows.map((row) => row.nodeId), rows.map((row) => row.count)]
  )
}
