/*
 * The editor's flow model, without the DOM: the flow JSON (docs/bot-flow-schema.md) is the one
 * source of truth; the canvas is drawn from it. Exits come from the server's own module.
 */
import { exitsOf, type Exit } from '../../services/flow_exits.js'

export { exitsOf }

/** A node as the editor holds it (data as the panel left it: possibly not valid yet). */
export interface EditorNode {
  id: string
  type: any
  position: { x: number; y: number }
  data: any
}

export interface EditorFlow {
  schemaVersion?: number
  name?: string
  trigger?: Record<string, unknown>
  start: string
  nodes: EditorNode[]
}

export const GRID = 20
export const snap = (value: number) => Math.round(value / GRID) * GRID

/** What a node of each type starts with when dropped from the palette. */
export function defaultData(type: string, choices: { flows: { id: number }[] }): Record<string, unknown> {
  switch (type) {
    case 'message':
      return { text: '' }
    case 'question':
      return { text: '', kind: 'text', maxRetries: 2 }
    case 'buttons':
      return { text: '', buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] }
    case 'list':
      return { text: '', button: 'Options', sections: [{ rows: [{ id: 'option_1', title: 'Option 1' }] }] }
    case 'condition':
      return { branches: [{ match: 'all', rules: [{ subject: 'vars.answer', operator: 'eq', value: '' }] }] }
    case 'set_variable':
      return { variable: 'answer', value: '' }
    case 'set_contact_field':
      return { field: 'name', value: '' }
    case 'tag':
      return { action: 'add', tag: 'lead' }
    case 'http':
      return { method: 'GET', url: 'https://', timeoutMs: 5000 }
    case 'delay':
      return { seconds: 60 }
    case 'jump':
      return choices.flows[0] ? { flowId: choices.flows[0].id } : {}
    case 'ab_split':
      return { branches: [{ percent: 50 }, { percent: 50 }] }
    default:
      return {}
  }
}

/** A fresh node id for a type ("question_3"), unused in the flow. */
export function freshId(flow: EditorFlow, type: string) {
  const taken = new Set(flow.nodes.map((node) => node.id))
  for (let n = 1; ; n++) if (!taken.has(`${type}_${n}`)) return `${type}_${n}`
}

/** Writes `value` at a dotted path of `data` ("buttons.1.next"); undefined deletes the key. */
export function setPath(data: any, path: string, value: string | undefined) {
  const keys = path.split('.')
  const last = keys.pop()!
  const parent = keys.reduce((node, key) => node?.[key], data)
  if (!parent) return
  if (value === undefined) delete parent[last]
  else parent[last] = value
}

/** What an output port says on the canvas: the button's title, the row's, "else", "50 %". */
export function exitLabel(node: EditorNode, exit: Exit, labels: Record<string, string>): string {
  const d = node.data
  let match = exit.key.match(/^buttons\.(\d+)\.next$/)
  if (match) return d.buttons[match[1]]?.title || '…'
  match = exit.key.match(/^sections\.(\d+)\.rows\.(\d+)\.next$/)
  if (match) return d.sections[match[1]]?.rows[match[2]]?.title || '…'
  match = exit.key.match(/^branches\.(\d+)\.next$/)
  if (match) return node.type === 'ab_split' ? `${d.branches[match[1]]?.percent ?? 0} %` : `${labels.exit_if} ${Number(match[1]) + 1}`
  return exit.key === 'next' ? '' : labels[`exit_${exit.key}`]
}

/**
 * A layered layout: each node one column right of the first node that leads to it (breadth
 * first from the start), rows in the order found; nodes the start does not reach in a last column.
 */
export function layeredLayout(flow: EditorFlow, { column = 300, row = 160 } = {}) {
  const byId = new Map(flow.nodes.map((node) => [node.id, node]))
  const depth = new Map([[flow.start, 0]])
  const queue = [flow.start]
  while (queue.length) {
    const id = queue.shift()!
    const node = byId.get(id)
    if (!node) continue
    for (const exit of exitsOf(node)) {
      if (exit.target && byId.has(exit.target) && !depth.has(exit.target)) {
        depth.set(exit.target, depth.get(id)! + 1)
        queue.push(exit.target)
      }
    }
  }
  const last = Math.max(0, ...depth.values()) + 1
  const rows = new Map()
  // In the order found (a node's exits stay together), then the unreachable ones.
  const found = [...depth.keys()].flatMap((id) => byId.get(id) ?? [])
  for (const node of [...found, ...flow.nodes.filter((node) => !depth.has(node.id))]) {
    const layer = depth.get(node.id) ?? last
    const index = rows.get(layer) ?? 0
    rows.set(layer, index + 1)
    node.position = { x: 40 + layer * column, y: 40 + index * row }
  }
}

/** A deep copy of plain data (Alpine's reactive proxies cannot be structured-cloned). */
export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value))

const blank = (value: unknown) => value === '' || value === null || value === undefined || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)

/** Empty optional fields go (an empty "save to" is no "save to"); nested objects too. */
function prune(value: any): any {
  if (Array.isArray(value)) return value.map(prune)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    const cleaned = prune(item)
    if (!blank(cleaned)) out[key] = cleaned
  }
  return out
}

const NUMERIC = ['gt', 'gte', 'lt', 'lte']

/** A condition rule's value as the schema wants it: numbers compared as numbers, "between" a pair. */
function ruleValue(rule: { operator: string; value?: unknown }) {
  const raw = Array.isArray(rule.value) ? rule.value.join(',') : String(rule.value ?? '')
  if (rule.operator === 'exists' || rule.operator === 'not_exists') return undefined
  if (rule.operator === 'between') return raw.split(',').map((part) => part.trim())
  if (NUMERIC.includes(rule.operator) && raw.trim() !== '' && !Number.isNaN(Number(raw))) return Number(raw)
  return raw
}

/** The document the server checks and stores. */
export function documentForSave(flow: EditorFlow) {
  const nodes = flow.nodes.map((node) => {
    const data = prune(clone(node.data))
    if (node.type === 'condition') for (const branch of data.branches ?? []) for (const rule of branch.rules ?? []) rule.value = ruleValue(rule)
    return { id: node.id, type: node.type, position: { x: Math.round(node.position.x), y: Math.round(node.position.y) }, data: prune(data) }
  })
  return { schemaVersion: flow.schemaVersion, name: flow.name, trigger: prune(clone(flow.trigger ?? { type: 'manual' })), start: flow.start, nodes }
}

/** The server's problems, by node ("node q1: …") and the rest (start, trigger). */
export function problemsByNode(messages: string[]) {
  const byNode: Record<string, string[]> = {}
  const general: string[] = []
  for (const message of messages) {
    const match = message.match(/^node ([A-Za-z0-9_-]+): (.*)$/s)
    if (match) (byNode[match[1]] ??= []).push(match[2])
    else general.push(message)
  }
  return { byNode, general }
}
