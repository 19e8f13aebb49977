import type Flow from '#bots/models/flow'
import type FlowVersion from '#bots/models/flow_version'
import { exportFlow } from '#bots/services/flow_schema'

/** A version for the API; `document` (docs/bot-flow-schema.md, what an import accepts) when asked. */
export function versionJson(flow: Flow, version: FlowVersion, withDocument: boolean) {
  return {
    id: version.id,
    number: version.number,
    state: version.state,
    publishedAt: version.publishedAt?.toISO() ?? null,
    updatedAt: version.updatedAt.toISO(),
    ...(withDocument ? { document: exportFlow(flow, version.definition) } : {}),
  }
}

/**
 * A flow for the API: its switch, trigger, counters, and its live and draft versions (with
 * their documents in the detail, not in the list). `flow.versions` must be preloaded.
 */
export function flowJson(flow: Flow, withDocuments = false) {
  const of = (state: 'published' | 'draft') => {
    const version = flow.versions.find((candidate) => candidate.state === state)
    return version ? versionJson(flow, version, withDocuments) : null
  }
  return {
    id: flow.id,
    name: flow.name,
    enabled: flow.enabled,
    trigger: flow.trigger,
    sessions: { started: flow.sessionsStarted, completed: flow.sessionsCompleted, handedOff: flow.sessionsHandedOff },
    published: of('published'),
    draft: of('draft'),
    createdAt: flow.createdAt.toISO(),
    updatedAt: flow.updatedAt.toISO(),
  }
}
