import db from '@adonisjs/lucid/services/db'
import { Refusal } from '#messaging/services/refusal'
import Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'
import { SCHEMA_VERSION, type FlowDefinition } from '#bots/services/flow_schema'

/** What a new flow starts with: one greeting, so the canvas and the test chat have something. */
const FIRST_DRAFT: FlowDefinition = {
  schemaVersion: SCHEMA_VERSION,
  start: 'welcome',
  nodes: [{ id: 'welcome', type: 'message', position: { x: 40, y: 40 }, data: { text: 'Hello {{contact.name}}!' } }],
}

/** A new flow, started by hand until its trigger is set, and its first draft. */
export async function createFlow(workspaceId: number, name: string, userId: number) {
  if (await Flow.nameTaken(workspaceId, name)) throw new Refusal(`A flow named "${name}" exists already`, 'name')
  return db.transaction(async (trx) => {
    const flow = await Flow.create({ workspaceId, name, trigger: { type: 'manual' }, enabled: false }, { client: trx })
    await FlowVersion.create({ workspaceId, flowId: flow.id, number: 1, state: 'draft', definition: FIRST_DRAFT, createdById: userId }, { client: trx })
    return flow
  })
}
