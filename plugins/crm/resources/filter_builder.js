/*
 * The contacts filter builder (Alpine component `crmFilter`): edits the filter JSON that the
 * list's form sends as `filter` (services/contact_filter.ts says what it means; the server
 * checks every rule). This module loads after Alpine started: see lib/wake.js.
 */
import { wakeComponent } from './lib/wake.js'

const NO_VALUE = ['is_set', 'is_not_set', 'is_true', 'is_false']
const DAYS = ['within_days', 'older_than_days']
const MANY = ['has_any', 'has_all', 'has_none', 'any_of']

const ruleCount = (group) => group.rules.reduce((count, item) => count + (item.rules ? ruleCount(item) : 1), 0)

function crmFilter(raw) {
  const config = JSON.parse(raw)
  return {
    fromUrl: config.fromUrl,
    fields: config.fields,
    ops: config.ops,
    labels: config.labels,
    state: config.filter,
    open: ruleCount(config.filter) > 0,
    dirty: false,
    get count() {
      return ruleCount(this.state)
    },
    get serialized() {
      return this.count ? JSON.stringify(this.state) : ''
    },
    field(rule) {
      return this.fields.find((field) => field.key === rule.field) ?? this.fields[0]
    },
    opsFor(rule) {
      return this.ops[this.field(rule).kind] ?? []
    },
    optionsFor(rule) {
      return this.field(rule).options
    },
    valueKind(rule) {
      const kind = this.field(rule).kind
      if (NO_VALUE.includes(rule.op)) return 'none'
      if (DAYS.includes(rule.op)) return 'days'
      if (MANY.includes(rule.op)) return 'many'
      if (kind === 'date' || kind === 'datetime') return 'date'
      if (kind === 'number') return 'number'
      if (['opt_in', 'select', 'owner'].includes(kind)) return 'one'
      return 'text'
    },
    /** The value a rule starts with for its operator. */
    initialValue(rule) {
      const kind = this.valueKind(rule)
      if (kind === 'many') return []
      if (kind === 'one') return this.optionsFor(rule)[0]?.value ?? ''
      if (kind === 'days') return 7
      return kind === 'none' ? undefined : ''
    },
    changeField(rule) {
      rule.op = this.opsFor(rule)[0]?.value
      rule.value = this.initialValue(rule)
    },
    changeOp(rule) {
      rule.value = this.initialValue(rule)
    },
    picked(rule, value) {
      return (rule.value ?? []).map(String).includes(String(value))
    },
    toggle(rule, value) {
      const values = rule.value ?? []
      rule.value = this.picked(rule, value) ? values.filter((one) => String(one) !== String(value)) : [...values, value]
    },
    addRule(rules) {
      const rule = { field: this.fields[0].key, op: '', value: '' }
      this.changeField(rule)
      rules.push(rule)
    },
    addGroup() {
      const group = { match: 'any', rules: [] }
      this.addRule(group.rules)
      this.state.rules.push(group)
    },
    remove(rules, index) {
      rules.splice(index, 1)
    },
    clear() {
      this.state.rules.splice(0)
      this.dirty = true
      this.$nextTick(() => this.$refs.form.requestSubmit())
    },
  }
}

wakeComponent('[data-crm-filter]', 'crmFilter', crmFilter, 'crmFilter($el.dataset.config)')
