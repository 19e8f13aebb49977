/**
 * The flow JSON (docs/bot-flow-schema.md, `schemaVersion: 1`) and its validation: VineJS for
 * each node's fields (WhatsApp's limits of ../shared/docs/whatsapp-contracts.md included), then
 * graph checks (known types, exits to existing nodes, a start, every node reachable). Every
 * problem comes back as one sentence that names the node: "node q1: a question needs an exit".
 */
import vine, { errors as vineErrors } from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { exitsOf } from '#bots/services/flow_exits'

export { exitsOf, type Exit } from '#bots/services/flow_exits'

export const SCHEMA_VERSION = 1

const NAME = /^[A-Za-z0-9_]{1,40}$/
const nodeId = () => vine.string().regex(/^[A-Za-z0-9_-]{1,64}$/)
const exit = () => vine.string().maxLength(64).optional()
const words = (max: number) => vine.string().trim().minLength(1).maxLength(max)
/** Where an answer or a value goes: a flow variable or a contact field. */
const target = () =>
  vine
    .string()
    .regex(/^(vars\.[A-Za-z0-9_]{1,40}|contact\.(name|locale|attributes\.[A-Za-z0-9_]{1,40}))$/)
    .optional()
const retry = {
  retryText: vine.string().maxLength(1024).optional(),
  maxRetries: vine.number().withoutDecimals().min(0).max(10).optional(),
  invalid: exit(),
}

const distinct = (values: unknown[]) => new Set(values).size === values.length

const needsContent = vine.createRule((value, _options, field) => {
  const data = value as Record<string, unknown>
  if (!data?.text && !data?.media && !data?.template) field.report('a message needs a text, a media or a template', 'content', field)
})

const listLimits = vine.createRule((value, _options, field) => {
  const sections = Array.isArray(value) ? (value as { title?: string; rows?: { id?: string }[] }[]) : []
  const rows = sections.flatMap((section) => (Array.isArray(section?.rows) ? section.rows : []))
  if (rows.length > 10) field.report(`a list has at most 10 rows in all its sections (${rows.length} given)`, 'maxRows', field)
  if (!distinct(rows.map((row) => row?.id))) field.report('row ids must be unique across the list', 'unique', field)
  if (sections.length > 1 && sections.some((section) => !section?.title)) field.report('every section needs a title when there is more than one', 'sectionTitle', field)
})

const uniqueButtons = vine.createRule((value, _options, field) => {
  const buttons = Array.isArray(value) ? (value as { id?: string; title?: string }[]) : []
  if (!distinct(buttons.map((button) => button?.id))) field.report('button ids must be unique', 'unique', field)
  if (!distinct(buttons.map((button) => button?.title))) field.report('button titles must be unique', 'unique', field)
})

const hundredPercent = vine.createRule((value, _options, field) => {
  const total = (Array.isArray(value) ? value : []).reduce((sum: number, branch: any) => sum + (Number(branch?.percent) || 0), 0)
  if (total !== 100) field.report(`the percentages add up to ${total}, not 100`, 'total', field)
})

export const QUESTION_KINDS = ['text', 'number', 'email', 'phone', 'date', 'choice'] as const
export const OPERATORS = ['eq', 'neq', 'contains', 'not_contains', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists', 'matches', 'between'] as const

/** Each node type's `data`. */
const dataSchemas = {
  message: vine
    .object({
      text: vine.string().maxLength(4096).optional(),
      media: vine
        .object({
          type: vine.enum(['image', 'video', 'audio', 'document']),
          link: vine.string().maxLength(2000),
          caption: vine.string().maxLength(1024).optional(),
          filename: vine.string().maxLength(240).optional(),
        })
        .optional(),
      // Sent instead when the 24-hour window is closed (or alone, as an opener).
      template: vine
        .object({
          name: words(512),
          language: words(20),
          params: vine.array(vine.string().maxLength(1024)).maxLength(20).optional(),
        })
        .optional(),
      next: exit(),
    })
    .use(needsContent()),
  question: vine.object({
    text: words(4096),
    kind: vine.enum(QUESTION_KINDS),
    choices: vine.array(words(100)).minLength(1).maxLength(20).optional().requiredWhen('kind', '=', 'choice'),
    saveTo: target(),
    ...retry,
    next: exit(),
  }),
  buttons: vine.object({
    text: words(1024),
    header: vine.string().maxLength(60).optional(),
    footer: vine.string().maxLength(60).optional(),
    buttons: vine
      .array(vine.object({ id: words(256), title: words(20), next: exit() }))
      .minLength(1)
      .maxLength(3)
      .use(uniqueButtons()),
    saveTo: target(),
    ...retry,
  }),
  list: vine.object({
    text: words(4096),
    button: words(20),
    header: vine.string().maxLength(60).optional(),
    footer: vine.string().maxLength(60).optional(),
    sections: vine
      .array(
        vine.object({
          title: vine.string().maxLength(24).optional(),
          rows: vine.array(vine.object({ id: words(200), title: words(24), description: vine.string().maxLength(72).optional(), next: exit() })).minLength(1),
        })
      )
      .minLength(1)
      .maxLength(10)
      .use(listLimits()),
    saveTo: target(),
    ...retry,
  }),
  condition: vine.object({
    branches: vine
      .array(
        vine.object({
          match: vine.enum(['all', 'any']),
          rules: vine
            .array(vine.object({ subject: words(80), operator: vine.enum(OPERATORS), value: vine.any().optional() }))
            .minLength(1)
            .maxLength(20),
          next: exit(),
        })
      )
      .minLength(1)
      .maxLength(10),
    else: exit(),
  }),
  set_variable: vine.object({ variable: vine.string().regex(NAME), value: vine.string().maxLength(4096), next: exit() }),
  set_contact_field: vine.object({
    field: vine.string().regex(/^(name|locale|attributes\.[A-Za-z0-9_]{1,40})$/),
    value: vine.string().maxLength(4096),
    next: exit(),
  }),
  tag: vine.object({ action: vine.enum(['add', 'remove']), tag: words(60), next: exit() }),
  http: vine.object({
    method: vine.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    url: words(2000),
    headers: vine.record(vine.string().maxLength(2000)).optional(),
    body: vine.string().maxLength(20_000).optional(),
    timeoutMs: vine.number().withoutDecimals().min(100).max(10_000).optional(),
    map: vine
      .array(vine.object({ path: words(200), variable: vine.string().regex(NAME) }))
      .maxLength(20)
      .optional(),
    next: exit(),
    error: exit(),
  }),
  delay: vine.object({
    seconds: vine.number().withoutDecimals().min(1).max(30 * 86_400),
    next: exit(),
  }),
  handoff: vine.object({
    assigneeId: vine.number().positive().withoutDecimals().optional(),
    teamId: vine.number().positive().withoutDecimals().optional(),
    message: vine.string().maxLength(4096).optional(),
  }),
  end: vine.object({ message: vine.string().maxLength(4096).optional() }),
  jump: vine.object({ flowId: vine.number().positive().withoutDecimals() }),
  ab_split: vine.object({
    branches: vine
      .array(vine.object({ percent: vine.number().withoutDecimals().min(0).max(100), next: exit() }))
      .minLength(2)
      .maxLength(5)
      .use(hundredPercent()),
  }),
}

export type NodeType = keyof typeof dataSchemas
export const NODE_TYPES = Object.keys(dataSchemas) as NodeType[]
export type NodeData<T extends NodeType> = Infer<(typeof dataSchemas)[T]>

const dataValidators = Object.fromEntries(NODE_TYPES.map((type) => [type, vine.compile(dataSchemas[type] as any)])) as unknown as Record<
  NodeType,
  { validate(data: unknown): Promise<unknown> }
>

const triggerSchema = vine.object({
  type: vine.enum(['keyword', 'regex', 'new_contact', 'payload', 'referral', 'any', 'manual']),
  keywords: vine.array(words(100)).minLength(1).maxLength(50).optional().requiredWhen('type', '=', 'keyword'),
  /** keyword: the whole message (exact, the default) or a word in it (contains). */
  match: vine.enum(['exact', 'contains']).optional(),
  pattern: vine.string().minLength(1).maxLength(500).optional().requiredWhen('type', '=', 'regex'),
  payload: words(256).optional().requiredWhen('type', '=', 'payload'),
  /** referral: the ad's source id (empty: any ad). */
  sourceId: vine.string().maxLength(200).optional(),
})

export type FlowTrigger = Infer<typeof triggerSchema>

const envelope = vine.compile(
  vine.object({
    schemaVersion: vine.literal(SCHEMA_VERSION),
    name: words(120).optional(),
    trigger: triggerSchema.optional(),
    start: vine.string().maxLength(64).optional(),
    nodes: vine
      .array(
        vine.object({
          id: nodeId(),
          type: vine.string().maxLength(40),
          position: vine.object({ x: vine.number(), y: vine.number() }).optional(),
          data: vine.object({}).allowUnknownProperties().optional(),
        })
      )
      .minLength(1)
      .maxLength(500),
  })
)

export interface FlowNode<T extends NodeType = NodeType> {
  id: string
  type: T
  position: { x: number; y: number }
  data: NodeData<T>
}

/** A flow's graph as stored in a version (the export adds name and trigger around it). */
export interface FlowDefinition {
  schemaVersion: typeof SCHEMA_VERSION
  start: string
  nodes: FlowNode[]
}

export interface FlowDocument extends FlowDefinition {
  name?: string
  trigger?: FlowTrigger
}

export type Checked = { ok: true; flow: FlowDocument } | { ok: false; errors: string[] }

function messagesOf(error: unknown): { field: string; message: string }[] {
  if (error instanceof vineErrors.E_VALIDATION_ERROR) return error.messages as { field: string; message: string }[]
  throw error
}

/** Every node reachable from `start`. */
function reachable(start: string, byId: Map<string, FlowNode>) {
  const seen = new Set<string>()
  const queue = [start]
  while (queue.length) {
    const id = queue.pop()!
    const node = byId.get(id)
    if (!node || seen.has(id)) continue
    seen.add(id)
    for (const exit of exitsOf(node)) if (exit.target) queue.push(exit.target)
  }
  return seen
}

/**
 * Validates a flow document (parsed JSON): the whole list of problems, each naming its node, or
 * the flow as it will be stored (defaults filled: positions, an empty data object).
 */
export async function checkFlow(input: unknown): Promise<Checked> {
  let doc: any
  try {
    doc = await envelope.validate(input)
  } catch (error) {
    return { ok: false, errors: messagesOf(error).map(({ field, message }) => `${field}: ${message}`) }
  }
  const errors: string[] = []
  const nodes: FlowNode[] = []
  const byId = new Map<string, FlowNode>()
  for (const [index, raw] of (doc.nodes as any[]).entries()) {
    const where = `node ${raw.id}`
    if (byId.has(raw.id)) {
      errors.push(`${where}: the id is used by another node`)
      continue
    }
    if (!(NODE_TYPES as string[]).includes(raw.type)) {
      errors.push(`${where}: unknown node type "${raw.type}" (known: ${NODE_TYPES.join(', ')})`)
      continue
    }
    const type = raw.type as NodeType
    let data: any
    try {
      data = await dataValidators[type].validate(raw.data ?? {})
    } catch (error) {
      for (const { field, message } of messagesOf(error)) errors.push(`${where}: ${field ? `${field}: ` : ''}${message}`)
      continue
    }
    const node: FlowNode = { id: raw.id, type, position: raw.position ?? { x: index * 260, y: 0 }, data }
    nodes.push(node)
    byId.set(node.id, node)
  }
  for (const node of nodes) {
    for (const exit of exitsOf(node)) {
      if (!exit.target) {
        if (exit.missing) errors.push(`node ${node.id}: ${exit.missing}`)
      } else if (!byId.has(exit.target)) {
        errors.push(`node ${node.id}: ${exit.key} leads to "${exit.target}", which is not a node of this flow`)
      } else if (exit.target === node.id && node.type !== 'question' && node.type !== 'buttons' && node.type !== 'list') {
        errors.push(`node ${node.id}: ${exit.key} leads back to the node itself`)
      }
    }
  }
  const start = doc.start as string | undefined
  if (!start) errors.push('start: the flow has no start node (set "start" to a node id)')
  else if (!(doc.nodes as any[]).some((node) => node.id === start)) errors.push(`start: "${start}" is not a node of this flow`)
  else if (byId.has(start)) {
    const seen = reachable(start, byId)
    for (const node of nodes) if (!seen.has(node.id)) errors.push(`node ${node.id}: unreachable from the start`)
  }
  if (errors.length) return { ok: false, errors }
  return { ok: true, flow: { schemaVersion: SCHEMA_VERSION, name: doc.name, trigger: doc.trigger, start: start!, nodes } }
}

/** Parses JSON text, then `checkFlow`: malformed JSON is one error, not an exception. */
export function checkFlowJson(text: string): Promise<Checked> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return Promise.resolve({ ok: false, errors: [`The file is not valid JSON: ${(error as Error).message}`] })
  }
  return checkFlow(parsed)
}

/** The graph part of a checked document, as a version stores it. */
export function definitionOf(doc: FlowDocument): FlowDefinition {
  return { schemaVersion: SCHEMA_VERSION, start: doc.start, nodes: doc.nodes }
}

/** The export: a document `checkFlow` accepts unchanged. */
export function exportFlow(flow: { name: string; trigger: FlowTrigger }, definition: FlowDefinition): FlowDocument {
  return { schemaVersion: SCHEMA_VERSION, name: flow.name, trigger: flow.trigger, start: definition.start, nodes: definition.nodes }
}
