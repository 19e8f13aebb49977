/*
 * The contacts list's bulk bar (Alpine component `crmBulk`): the checked rows, or "all N
 * matching" (then the list's filter form rides along instead of ids), the action with its
 * argument, and a confirmation before deleting. The server checks and does the rest (POST /bulk);
 * its answer goes to #bulk-status, and `crm:bulked` reloads the list. Loads after Alpine started
 * (as filter_builder.js): see lib/wake.js.
 */
import { wakeComponent } from './lib/wake.js'

function crmBulk() {
  let listeners = []
  return {
    selected: [],
    all: false,
    total: 0,
    action: '',
    /** The field "set a field" writes (its value input follows its type). */
    field: 'name',
    get count() {
      return this.all ? this.total : this.selected.length
    },
    get shown() {
      return this.$root.querySelectorAll('[data-bulk-row]').length
    },
    get pageChecked() {
      return this.selected.length > 0 && this.selected.length === this.shown
    },
    togglePage(checked) {
      this.all = false
      this.selected = checked ? [...this.$root.querySelectorAll('[data-bulk-row]')].map((box) => box.value) : []
    },
    clear() {
      this.selected = []
      this.all = false
    },
    apply() {
      if (this.action === 'delete') this.$refs.confirm.showModal()
      else this.$refs.form.requestSubmit()
    },
    confirmDelete() {
      this.$refs.confirm.close()
      this.$refs.form.requestSubmit()
    },
    init() {
      const readTotal = () => {
        const node = document.querySelector('#contacts-count [data-count]')
        if (node) this.total = Number(node.dataset.count)
      }
      const on = (name, handler) => {
        document.body.addEventListener(name, handler)
        listeners.push([name, handler])
      }
      readTotal()
      on('htmx:afterSettle', readTotal)
      // Another filter or search (a new first page): the rows checked were of another list.
      on('crm:listed', () => this.clear())
      // Done: the list shows the change (its form asks again; the new first page clears the selection).
      on('crm:bulked', () => htmx.trigger(document.querySelector('[data-testid=contacts-filter]'), 'submit'))
    },
    destroy() {
      for (const [name, handler] of listeners) document.body.removeEventListener(name, handler)
      listeners = []
    },
  }
}

wakeComponent('[data-crm-bulk]', 'crmBulk', crmBulk)
