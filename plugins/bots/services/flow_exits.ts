/**
 * A node's exits (where `data` names the next node) with what to say when a required one is
 * missing. No imports at run time: the server's validation, the runtime's tools and the visual
 * editor's output ports (resources/editor.js bundles this file) read exits from one place.
 */
import type { NodeType } from '#bots/services/flow_schema'

/** How a node's type reads in a sentence ("a question needs an exit"). */
const ARTICLE: Record<NodeType, string> = {
  message: 'a message',
  question: 'a question',
  buttons: 'a buttons node',
  list: 'a list',
  condition: 'a condition',
  set_variable: 'a set-variable node',
  set_contact_field: 'a set-contact-field node',
  tag: 'a tag node',
  http: 'an HTTP request',
  delay: 'a delay',
  handoff: 'a handoff',
  end: 'an end',
  jump: 'a jump',
  ab_split: 'an A/B split',
}

export interface Exit {
  /** Where it is in `data` (e.g. 'buttons.1.next'). */
  key: string
  target: string | undefined
  /** The sentence when it is missing; undefined: the exit may stay empty. */
  missing?: string
}

/** A node's exits, with what to say when a required one is missing. */
export function exitsOf(node: { type: NodeType; data: any }): Exit[] {
  const d = node.data ?? {}
  const what = ARTICLE[node.type]
  const next: Exit = { key: 'next', target: d.next, missing: `${what} needs an exit` }
  switch (node.type) {
    case 'message':
      // A message may be the flow's last word.
      return [{ key: 'next', target: d.next }]
    case 'set_variable':
    case 'set_contact_field':
    case 'tag':
    case 'delay':
      return [next]
    case 'question':
      return [next, { key: 'invalid', target: d.invalid }]
    case 'buttons':
      return [
        ...(d.buttons ?? []).map((button: any, index: number) => ({
          key: `buttons.${index}.next`,
          target: button?.next,
          missing: `button "${button?.title}" needs an exit`,
        })),
        { key: 'invalid', target: d.invalid },
      ]
    case 'list':
      return [
        ...(d.sections ?? []).flatMap((section: any, s: number) =>
          (section?.rows ?? []).map((row: any, r: number) => ({ key: `sections.${s}.rows.${r}.next`, target: row?.next, missing: `row "${row?.title}" needs an exit` }))
        ),
        { key: 'invalid', target: d.invalid },
      ]
    case 'condition':
      return [
        ...(d.branches ?? []).map((branch: any, index: number) => ({ key: `branches.${index}.next`, target: branch?.next, missing: `condition branch ${index + 1} needs an exit` })),
        { key: 'else', target: d.else, missing: `${what} needs an else exit` },
      ]
    case 'http':
      return [next, { key: 'error', target: d.error, missing: `${what} needs an error exit` }]
    case 'ab_split':
      return (d.branches ?? []).map((branch: any, index: number) => ({ key: `branches.${index}.next`, target: branch?.next, missing: `split branch ${index + 1} needs an exit` }))
    case 'handoff':
    case 'end':
    case 'jump':
      return []
  }
}

