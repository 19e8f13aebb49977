import type { NodeData } from '#bots/services/flow_schema'
import { resolve, type Scope } from '#bots/services/scope'

type Rule = NodeData<'condition'>['branches'][number]['rules'][number]

const number = (value: unknown) => (typeof value === 'number' ? value : Number.parseFloat(String(value)))
const text = (value: unknown) => (value === undefined || value === null ? '' : String(value)).toLowerCase()

/** One rule. Text comparisons ignore case; lists (tags) "contain" an item. */
export function holds(rule: Rule, scope: Scope): boolean {
  const left = resolve(scope, rule.subject)
  const right = rule.value
  switch (rule.operator) {
    case 'exists':
      return left !== undefined && left !== null && left !== '' && !(Array.isArray(left) && left.length === 0)
    case 'not_exists':
      return !holds({ ...rule, operator: 'exists' }, scope)
    case 'eq':
      return text(left) === text(right)
    case 'neq':
      return text(left) !== text(right)
    case 'contains':
      return Array.isArray(left) ? left.some((item) => text(item) === text(right)) : text(left).includes(text(right))
    case 'not_contains':
      return !holds({ ...rule, operator: 'contains' }, scope)
    case 'gt':
      return number(left) > number(right)
    case 'gte':
      return number(left) >= number(right)
    case 'lt':
      return number(left) < number(right)
    case 'lte':
      return number(left) <= number(right)
    case 'between': {
      // [from, to], inclusive; text ("09:00".."17:30") or numbers. from > to spans midnight.
      const [from, to] = Array.isArray(right) ? right.map(String) : []
      const value = String(left ?? '')
      const numeric = !Number.isNaN(Number(value)) && !Number.isNaN(Number(from)) && !Number.isNaN(Number(to))
      const le = (a: string, b: string) => (numeric ? Number(a) <= Number(b) : a <= b)
      return le(from, to) ? le(from, value) && le(value, to) : le(from, value) || le(value, to)
    }
    case 'matches':
      try {
        return new RegExp(String(right), 'i').test(String(left ?? ''))
      } catch {
        return false
      }
  }
}

/** The exit of a condition node: the first branch whose rules hold (all / any), else `else`. */
export function chooseBranch(data: NodeData<'condition'>, scope: Scope) {
  for (const branch of data.branches) {
    const ok = branch.match === 'all' ? branch.rules.every((rule) => holds(rule, scope)) : branch.rules.some((rule) => holds(rule, scope))
    if (ok) return branch.next
  }
  return data.else
}
