/*
 * The bot flow editor (pages/editor.edge): an Alpine component around a Drawflow canvas. The
 * flow JSON is the model; the canvas is drawn from it (again after undo, auto-layout, a new
 * exit) and reports moves, connections and deletions back. The side panel edits the model
 * through Alpine bindings. Saving sends the JSON through the import's validation; its problems
 * come back naming nodes and are shown on them. Loaded by the editor page only.
 */
import Drawflow from 'drawflow'
import 'drawflow/dist/drawflow.min.css'
import './editor/editor.css'
import { clone, defaultData, documentForSave, exitLabel, exitsOf, freshId, layeredLayout, problemsByNode, setPath, snap } from './editor/flow_model.ts'

const HISTORY = 100
// sessionStorage holds about 5 M characters per origin: the kept history stays well under it.
const KEPT_HISTORY_CHARS = 2_000_000
const NODE_WIDTH = 220
const PASTE_OFFSET = 40

const escape = (text) => String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])
const typing = (target) => target.closest?.('input, textarea, select, [contenteditable]')

const UNITS = [
  ['days', 86_400],
  ['hours', 3600],
  ['minutes', 60],
  ['seconds', 1],
]

function flowEditor() {
  // Outside Alpine's reactivity: Drawflow is a large mutable object, and proxies would slow it down.
  let df = null
  const dfOf = new Map()
  const idOf = new Map()
  const signatures = new Map()
  let history = []
  let future = []
  // The state the server holds at `revision` (the undo history is kept for that revision).
  let serverState = null
  let revision = null
  // The history kept before a reload: the banner's restore takes it up with the unsaved work.
  let keptSteps = null
  let clipboard = null
  let drawing = false
  let pending = false
  // A drag of one node of a multiple selection: the others follow it.
  let group = null

  return {
    flow: null,
    choices: { members: [], teams: [], flows: [] },
    labels: {},
    urls: {},
    readOnly: true,
    version: null,
    selection: [],
    problems: { byNode: {}, general: [] },
    dirty: false,
    saving: false,
    status: '',
    zoom: 1,
    canUndo: false,
    canRedo: false,
    testing: false,
    testRefused: false,
    backup: null,
    path: [],

    init() {
      const data = JSON.parse(this.$el.querySelector('[data-editor-json]').textContent)
      this.flow = data.document
      this.flow.trigger ??= { type: 'manual' }
      this.choices = data.choices
      this.labels = data.labels
      this.version = data.version
      revision = data.revision
      this.urls = { save: this.$el.dataset.saveUrl, test: this.$el.dataset.testUrl }
      this.readOnly = this.$el.dataset.readOnly === 'true'

      df = new Drawflow(this.$refs.canvas)
      // Keys are the editor's (they must not delete a node while someone types in the panel).
      df.key = () => {}
      df.editor_mode = this.readOnly ? 'view' : 'edit'
      df.zoom_min = 0.3
      df.start()
      this.listen()
      this.draw()
      history = [this.snapshot()]
      serverState = history[0]
      this.resumeHistory()
      this.offerBackup()
      this.onKey = (event) => this.key(event)
      document.addEventListener('keydown', this.onKey)
      // A reload or a closed tab fires pagehide; a phone may drop a hidden tab without it.
      this.onHide = (event) => (event.type === 'pagehide' || document.visibilityState === 'hidden') && this.keepHistory()
      window.addEventListener('pagehide', this.onHide)
      document.addEventListener('visibilitychange', this.onHide)
      this.onMouseUp = () => this.groupDragEnd()
      window.addEventListener('mouseup', this.onMouseUp)
      this.$el.dataset.ready = 'true'
      // The bench reads this (navigation → editor drawn).
      performance.mark('flow-editor-ready')
    },

    destroy() {
      this.keepHistory()
      document.removeEventListener('keydown', this.onKey)
      window.removeEventListener('pagehide', this.onHide)
      document.removeEventListener('visibilitychange', this.onHide)
      window.removeEventListener('mouseup', this.onMouseUp)
    },

    /* ------------------------------------------------------------ the model */

    /** The node the side panel edits: the selection when it is one node. */
    get selectedId() {
      return this.selection.length === 1 ? this.selection[0] : null
    },

    get node() {
      return this.selectedId ? (this.nodeById(this.selectedId) ?? null) : null
    },

    nodeById(id) {
      return this.flow.nodes.find((node) => node.id === id)
    },

    snapshot() {
      return JSON.stringify({ start: this.flow.start, trigger: this.flow.trigger, nodes: this.flow.nodes })
    },

    backupKey() {
      return `bots-editor:${this.urls.save}`
    },

    historyKey() {
      return `bots-editor-history:${this.urls.save}`
    },

    /** Something changed: one history entry per tick (a deletion reports several events). */
    commit() {
      if (pending) return
      pending = true
      queueMicrotask(() => {
        pending = false
        const state = this.snapshot()
        if (state === history.at(-1)) return
        history.push(state)
        if (history.length > HISTORY) history.shift()
        future = []
        this.dirty = true
        this.status = this.labels.unsaved
        this.syncHistory()
        this.drawMinimap()
        this.remember(state)
      })
    },

    /** Unsaved work survives a closed tab (the draft on the server may not validate yet). */
    remember(state) {
      try {
        if (state === serverState) localStorage.removeItem(this.backupKey())
        else localStorage.setItem(this.backupKey(), JSON.stringify({ at: Date.now(), state }))
      } catch {}
    },

    syncHistory() {
      this.canUndo = history.length > 1
      this.canRedo = future.length > 0
    },

    restore(state) {
      const { start, trigger, nodes } = JSON.parse(state)
      Object.assign(this.flow, { start, trigger, nodes })
      this.selection = this.selection.filter((id) => this.nodeById(id))
      this.draw()
    },

    /** History moved (undo, redo, a restored backup): the canvas and the kept work follow. */
    moved() {
      const state = history.at(-1)
      this.restore(state)
      this.dirty = state !== serverState
      // Back at what the server holds: nothing to save.
      this.status = this.dirty ? this.labels.unsaved : ''
      this.syncHistory()
      this.remember(state)
    },

    undo() {
      if (history.length < 2) return
      future.push(history.pop())
      this.moved()
    },

    redo() {
      if (!future.length) return
      history.push(future.pop())
      this.moved()
    },

    /**
     * The history kept in this tab (sessionStorage, per flow) before a reload, if the server's
     * draft is still the revision it was kept for: nobody saved or published since. The steps
     * before the server's state are undo steps, those after it (unsaved, or undone) redo steps;
     * the banner's restore moves to the unsaved work with the history that led to it.
     */
    resumeHistory() {
      if (this.readOnly) return
      let kept = null
      try {
        kept = JSON.parse(sessionStorage.getItem(this.historyKey()) ?? 'null')
      } catch {}
      sessionStorage.removeItem(this.historyKey())
      if (!kept || kept.revision !== revision || !Array.isArray(kept.steps)) return
      keptSteps = kept.steps
      // Undone past the saved state and edited since: only the unsaved work has a history.
      if (!kept.steps[kept.at]) return
      const nodesOf = (state) => {
        const { start, nodes } = JSON.parse(state)
        return JSON.stringify([start, nodes.map((node) => node.id)])
      }
      // The server normalises what it stores (empty fields go): the kept state is compared by its nodes.
      if (nodesOf(kept.steps[kept.at]) !== nodesOf(serverState)) return
      history = [...kept.steps.slice(0, kept.at), serverState]
      future = kept.steps.slice(kept.at + 1).reverse()
      this.syncHistory()
    },

    /** Keeps the history in this tab for a reload: the steps furthest from the server's state go first when it is too large. */
    keepHistory() {
      if (this.readOnly || !revision) return
      const key = this.historyKey()
      const steps = [...history, ...[...future].reverse()]
      let at = steps.lastIndexOf(serverState)
      let size = steps.reduce((sum, state) => sum + state.length, 0)
      while (size > KEPT_HISTORY_CHARS && at !== 0 && steps.length > 1) {
        size -= steps.shift().length
        at = Math.max(-1, at - 1)
      }
      while (size > KEPT_HISTORY_CHARS && steps.length > at + 1) size -= steps.pop().length
      try {
        if (steps.length < 2 || size > KEPT_HISTORY_CHARS) sessionStorage.removeItem(key)
        else sessionStorage.setItem(key, JSON.stringify({ revision, at, steps }))
      } catch {
        sessionStorage.removeItem(key)
      }
    },

    offerBackup() {
      try {
        const saved = JSON.parse(localStorage.getItem(this.backupKey()) ?? 'null')
        if (saved && saved.state !== history.at(-1)) this.backup = saved
      } catch {}
    },

    /** Back to the unsaved work: along the redo steps when the kept history has it. */
    restoreBackup() {
      const { state } = this.backup
      this.backup = null
      const ahead = future.lastIndexOf(state)
      const kept = keptSteps?.lastIndexOf(state) ?? -1
      if (ahead >= 0) {
        history.push(...future.splice(ahead).reverse())
      } else if (kept >= 0) {
        history = keptSteps.slice(0, kept + 1)
        future = keptSteps.slice(kept + 1).reverse()
      } else {
        this.restore(state)
        this.commit()
        return
      }
      history.splice(0, Math.max(0, history.length - HISTORY))
      this.moved()
    },

    discardBackup() {
      localStorage.removeItem(this.backupKey())
      this.backup = null
    },

    /* ----------------------------------------------------------- the canvas */

    typeLabel(type) {
      return this.labels.types[type] ?? type
    },

    summary(node) {
      const d = node.data
      const name = (list, id) => list.find((item) => item.id === Number(id))?.name
      switch (node.type) {
        case 'message':
          return d.text || d.media?.link || d.template?.name || ''
        case 'question':
        case 'buttons':
        case 'list':
          return d.text + (d.saveTo ? ` → ${d.saveTo}` : '')
        case 'condition':
          return (d.branches ?? []).map((b) => (b.rules ?? []).map((r) => `${r.subject} ${r.operator} ${r.value ?? ''}`).join(b.match === 'any' ? ' or ' : ' and ')).join(' · ')
        case 'set_variable':
          return `vars.${d.variable} = ${d.value}`
        case 'set_contact_field':
          return `contact.${d.field} = ${d.value}`
        case 'tag':
          return `${d.action === 'remove' ? '−' : '+'} ${d.tag}`
        case 'http':
          return `${d.method} ${d.url}`
        case 'delay': {
          const [unit, size] = UNITS.find(([, size]) => d.seconds % size === 0) ?? UNITS.at(-1)
          return `${d.seconds / size} ${this.labels.units[unit]}`
        }
        case 'handoff':
          return [name(this.choices.members, d.assigneeId), name(this.choices.teams, d.teamId), d.message].filter(Boolean).join(' · ')
        case 'end':
          return d.message ?? ''
        case 'jump':
          return name(this.choices.flows, d.flowId) ?? ''
        case 'ab_split':
          return (d.branches ?? []).map((b) => `${b.percent} %`).join(' / ')
      }
      return ''
    },

    nodeHtml(node) {
      const errors = this.problems.byNode[node.id] ?? []
      const start = node.id === this.flow.start ? `<span class="fe-start">${escape(this.labels.start)}</span>` : ''
      return `<div class="fe-card" data-node="${escape(node.id)}" data-type="${node.type}">
        <div class="fe-head"><span class="fe-type">${escape(this.typeLabel(node.type))}</span>${start}</div>
        <div class="fe-id">${escape(node.id)}</div>
        <div class="fe-text">${escape(this.summary(node)).slice(0, 140)}</div>
        ${errors.length ? `<ul class="fe-errors" data-errors>${errors.map((e) => `<li>${escape(e)}</li>`).join('')}</ul>` : ''}
      </div>`
    },

    signature(node) {
      return exitsOf(node)
        .map((exit) => exitLabel(node, exit, this.labels))
        .join('|')
    },

    /** The whole canvas from the model. */
    draw() {
      drawing = true
      dfOf.clear()
      idOf.clear()
      this.flow.nodes.forEach((node, index) => {
        dfOf.set(node.id, index + 1)
        idOf.set(index + 1, node.id)
      })
      const data = {}
      for (const node of this.flow.nodes) {
        const id = dfOf.get(node.id)
        const outputs = {}
        exitsOf(node).forEach((exit, index) => {
          const target = exit.target && dfOf.get(exit.target)
          outputs[`output_${index + 1}`] = { connections: target ? [{ node: String(target), output: 'input_1' }] : [] }
        })
        data[id] = { id, name: node.type, data: {}, class: `fe-${node.type}`, html: this.nodeHtml(node), typenode: false, inputs: { input_1: { connections: [] } }, outputs, pos_x: node.position.x, pos_y: node.position.y }
      }
      for (const [id, entry] of Object.entries(data)) {
        for (const [output, { connections }] of Object.entries(entry.outputs)) {
          for (const { node } of connections) data[node].inputs.input_1.connections.push({ node: String(id), input: output })
        }
      }
      // Drawflow lays each node's connections out in turn, reading positions between writes
      // (a layout per connection: seconds for 200 nodes); they are drawn here in one pass instead.
      const update = df.updateConnectionNodes
      df.updateConnectionNodes = () => {}
      try {
        df.import({ drawflow: { Home: { data } } })
      } finally {
        df.updateConnectionNodes = update
      }
      this.drawConnections()
      for (const node of this.flow.nodes) this.decorate(node)
      drawing = false
      this.highlight()
      this.drawMinimap()
    },

    /** Every connection's curve: all positions read first, then all paths written (one layout). */
    drawConnections() {
      const origin = df.precanvas.getBoundingClientRect()
      const centre = (element) => {
        const box = element.getBoundingClientRect()
        return { x: (box.left - origin.left + box.width / 2) / df.zoom, y: (box.top - origin.top + box.height / 2) / df.zoom }
      }
      const curves = []
      for (const svg of df.precanvas.querySelectorAll(':scope > svg.connection')) {
        // Drawflow's classes: connection, node_in_node-<to>, node_out_node-<from>, output_<k>, input_1.
        const [, to, from, output, input] = svg.classList
        const start = document.querySelector(`#${from.slice('node_out_'.length)} .outputs .${output}`)
        const end = document.querySelector(`#${to.slice('node_in_'.length)} .inputs .${input}`)
        if (!start || !end) continue
        const a = centre(start)
        const b = centre(end)
        curves.push([svg.querySelector('.main-path'), df.createCurvature(a.x, a.y, b.x, b.y, df.curvature, 'openclose')])
      }
      for (const [path, curve] of curves) path.setAttributeNS(null, 'd', curve)
    },

    /** Port labels, the problem marker and the selection on a node drawn on the canvas. */
    decorate(node) {
      const element = document.getElementById(`node-${dfOf.get(node.id)}`)
      if (!element) return
      const exits = exitsOf(node)
      element.querySelectorAll('.outputs .output').forEach((port, index) => {
        const label = exits[index] ? exitLabel(node, exits[index], this.labels) : ''
        port.dataset.label = label
        port.title = label
      })
      element.classList.toggle('fe-invalid', !!this.problems.byNode[node.id])
      element.classList.toggle('selected', this.selection.includes(node.id))
      signatures.set(node.id, this.signature(node))
    },

    /** The side panel changed the selected node: redraw it, or the canvas when its exits changed. */
    changed() {
      const node = this.node
      if (!node || this.signature(node) !== signatures.get(node.id)) this.draw()
      else this.redrawNode(node)
      this.commit()
    },

    redrawNode(node) {
      const element = document.querySelector(`#node-${dfOf.get(node.id)} .drawflow_content_node`)
      if (element) element.innerHTML = this.nodeHtml(node)
      this.decorate(node)
    },

    listen() {
      // Before Drawflow sees the press: shift / ctrl clicks and boxes select several nodes.
      this.$refs.canvas.addEventListener('mousedown', (event) => this.press(event), { capture: true })
      this.$refs.canvas.addEventListener('mousemove', () => this.groupDrag())
      // The panel's last edit may still wait for its debounce: the node it changed is redrawn now.
      df.on('nodeSelected', (id) => {
        if (this.node) this.changed()
        if (!group) this.select([idOf.get(Number(id))].filter(Boolean))
      })
      df.on('nodeUnselected', () => {
        if (this.node) this.changed()
        if (!group) this.select([])
      })
      df.on('nodeMoved', (id) => {
        const node = this.nodeById(idOf.get(Number(id)))
        if (!node) return
        const at = this.dragged(id)
        if (group?.id === node.id) {
          this.groupDrop(at)
          return
        }
        this.place(node, snap(at.x), snap(at.y))
        df.updateConnectionNodes(`node-${id}`)
        this.commit()
      })
      df.on('connectionCreated', ({ output_id, input_id, output_class }) => {
        if (drawing) return
        const from = this.nodeById(idOf.get(Number(output_id)))
        const to = this.nodeById(idOf.get(Number(input_id)))
        const exit = from && exitsOf(from)[Number(output_class.slice('output_'.length)) - 1]
        if (!exit || !to) return
        // One target per exit: a new connection from a port replaces the one it had.
        drawing = true
        for (const other of [...df.getNodeFromId(output_id).outputs[output_class].connections]) {
          if (other.node !== String(input_id)) df.removeSingleConnection(output_id, other.node, output_class, 'input_1')
        }
        drawing = false
        setPath(from.data, exit.key, to.id)
        this.commit()
      })
      df.on('connectionRemoved', ({ output_id, input_id, output_class }) => {
        if (drawing) return
        const from = this.nodeById(idOf.get(Number(output_id)))
        const exit = from && exitsOf(from)[Number(output_class.slice('output_'.length)) - 1]
        if (exit && exit.target === idOf.get(Number(input_id))) setPath(from.data, exit.key, undefined)
        this.commit()
      })
      df.on('nodeRemoved', (id) => {
        if (drawing) return
        const removed = idOf.get(Number(id))
        this.flow.nodes = this.flow.nodes.filter((node) => node.id !== removed)
        for (const node of this.flow.nodes) for (const exit of exitsOf(node)) if (exit.target === removed) setPath(node.data, exit.key, undefined)
        if (this.flow.start === removed) this.flow.start = this.flow.nodes[0]?.id
        this.selection = this.selection.filter((id) => id !== removed)
        this.commit()
      })
      df.on('zoom', (level) => {
        this.zoom = level
        this.drawMinimap()
      })
      let frame = 0
      df.on('translate', () => {
        cancelAnimationFrame(frame)
        frame = requestAnimationFrame(() => this.drawMinimap())
      })
    },

    /* ------------------------------------------------------------ commands */

    /** A point of the canvas (unzoomed, unpanned) under a point of the screen. */
    canvasPoint(clientX, clientY) {
      const rect = df.precanvas.getBoundingClientRect()
      return { x: (clientX - rect.left) / df.zoom, y: (clientY - rect.top) / df.zoom }
    },

    addNode(type, point, data = defaultData(type, this.choices)) {
      if (this.readOnly) return
      const node = { id: freshId(this.flow, type), type, position: { x: snap(point.x), y: snap(point.y) }, data }
      this.flow.nodes.push(node)
      const id = df.addNode(type, 1, exitsOf(node).length, node.position.x, node.position.y, `fe-${type}`, {}, this.nodeHtml(node))
      dfOf.set(node.id, id)
      idOf.set(id, node.id)
      this.select([node.id])
      this.commit()
      return node
    },

    /** The palette item was dropped on the canvas. */
    drop(event) {
      const type = event.dataTransfer.getData('application/x-flow-node')
      if (type) this.addNode(type, this.canvasPoint(event.clientX, event.clientY))
    },

    /** The palette item was clicked (or tapped): the new node goes in the middle of the view. */
    addInView(type) {
      const rect = this.$refs.canvas.getBoundingClientRect()
      const point = this.canvasPoint(rect.left + rect.width / 2 - NODE_WIDTH / 2, rect.top + rect.height / 3)
      this.addNode(type, point)
    },

    /** The selected nodes (by flow id) become `ids`; they are marked on the canvas. */
    select(ids) {
      const previous = this.selection
      this.selection = ids
      for (const id of new Set([...previous, ...ids])) {
        const node = this.nodeById(id)
        if (node) this.decorate(node)
      }
      // Drawflow tracks one selected node; with several it tracks none (a click on any selects it).
      df.node_selected = ids.length === 1 ? document.getElementById(`node-${dfOf.get(ids[0])}`) : null
    },

    /** A node moved on the canvas (its element, Drawflow's record and the model). */
    place(node, x, y) {
      const id = dfOf.get(node.id)
      const entry = df.drawflow.drawflow.Home.data[id]
      const element = document.getElementById(`node-${id}`)
      entry.pos_x = x
      entry.pos_y = y
      element.style.left = `${x}px`
      element.style.top = `${y}px`
      node.position = { x, y }
    },

    /**
     * A mouse press on the canvas, before Drawflow handles it: shift / ctrl / cmd + click adds a
     * node to the selection or takes it out, shift + drag on the background draws a box that
     * selects the nodes it touches, and a press on one of several selected nodes drags them all.
     */
    press(event) {
      if (this.readOnly || event.button !== 0) return
      const element = event.target.closest('.drawflow-node')
      const onPort = event.target.closest('.input, .output')
      const id = element && !onPort ? idOf.get(Number(element.id.slice('node-'.length))) : null
      const background = event.target === this.$refs.canvas || event.target === df.precanvas
      const stop = () => {
        event.stopImmediatePropagation()
        event.preventDefault()
      }
      if (id && (event.shiftKey || event.ctrlKey || event.metaKey)) {
        stop()
        if (this.node) this.changed()
        this.select(this.selection.includes(id) ? this.selection.filter((other) => other !== id) : [...this.selection, id])
      } else if (background && event.shiftKey) {
        stop()
        if (this.node) this.changed()
        this.selectInBox(event)
      } else if (id && this.selection.length > 1 && this.selection.includes(id)) {
        group = { id, dropped: false, from: new Map(this.selection.map((other) => [other, { ...this.nodeById(other).position }])) }
      } else if (this.selection.length > 1) {
        this.select([])
      }
    },

    /** Shift + drag on the background: a box; the nodes it touches are the selection. */
    selectInBox(event) {
      const host = this.$refs.canvas
      const origin = host.getBoundingClientRect()
      const box = document.createElement('div')
      box.className = 'fe-marquee'
      host.append(box)
      const corners = (to) => ({ left: Math.min(event.clientX, to.clientX), top: Math.min(event.clientY, to.clientY), right: Math.max(event.clientX, to.clientX), bottom: Math.max(event.clientY, to.clientY) })
      const move = (to) => {
        const r = corners(to)
        Object.assign(box.style, { left: `${r.left - origin.left}px`, top: `${r.top - origin.top}px`, width: `${r.right - r.left}px`, height: `${r.bottom - r.top}px` })
      }
      const up = (to) => {
        window.removeEventListener('mousemove', move)
        window.removeEventListener('mouseup', up)
        box.remove()
        const r = corners(to)
        // A shift + click on the background (no box) leaves the selection as it was.
        if (r.right - r.left < 4 && r.bottom - r.top < 4) return
        const touched = this.flow.nodes.filter((node) => {
          const b = document.getElementById(`node-${dfOf.get(node.id)}`)?.getBoundingClientRect()
          return b && b.left < r.right && b.right > r.left && b.top < r.bottom && b.bottom > r.top
        })
        this.select(touched.map((node) => node.id))
      }
      move(event)
      window.addEventListener('mousemove', move)
      window.addEventListener('mouseup', up)
    },

    /**
     * Where Drawflow's drag put a node: its element's place (Drawflow's record of it counts the
     * last mouse step twice, reading the element's offset after moving it).
     */
    dragged(dfId) {
      const element = document.getElementById(`node-${dfId}`)
      return { x: parseFloat(element.style.left), y: parseFloat(element.style.top) }
    },

    /** Drawflow moved the pressed node: the rest of the selection follows it. */
    groupDrag() {
      if (!group || !df.drag) return
      const at = this.dragged(dfOf.get(group.id))
      const from = group.from.get(group.id)
      const dx = at.x - from.x
      const dy = at.y - from.y
      for (const [id, start] of group.from) {
        if (id === group.id) continue
        const other = df.drawflow.drawflow.Home.data[dfOf.get(id)]
        const element = document.getElementById(`node-${dfOf.get(id)}`)
        other.pos_x = start.x + dx
        other.pos_y = start.y + dy
        element.style.left = `${other.pos_x}px`
        element.style.top = `${other.pos_y}px`
      }
      cancelAnimationFrame(group.frame)
      group.frame = requestAnimationFrame(() => this.drawConnections())
    },

    /** The drag ended: the pressed node snaps to the grid, the others keep their places beside it. */
    groupDrop(at) {
      const from = group.from.get(group.id)
      const dx = snap(at.x) - from.x
      const dy = snap(at.y) - from.y
      for (const [id, start] of group.from) this.place(this.nodeById(id), start.x + dx, start.y + dy)
      cancelAnimationFrame(group.frame)
      this.drawConnections()
      group.dropped = true
      this.commit()
    },

    /** After Drawflow's mouseup: a press on one of several selected nodes that moved nothing selects that node. */
    groupDragEnd() {
      if (!group) return
      const { id, dropped } = group
      group = null
      // Drawflow marked the pressed node as its one selected node: the whole selection again.
      this.select(dropped ? [...this.selection] : [id])
    },

    removeSelected() {
      if (this.readOnly) return
      // Each removal reports its node and connections; commit() makes them one undo step.
      if (this.selection.length) for (const id of [...this.selection]) df.removeNodeId(`node-${dfOf.get(id)}`)
      else if (df.connection_selected) df.removeConnection()
    },

    setStart(id) {
      this.flow.start = id
      this.draw()
      this.commit()
    },

    copy() {
      const nodes = this.selection.map((id) => this.nodeById(id)).filter(Boolean)
      if (nodes.length) clipboard = clone(nodes)
    },

    /**
     * Copies of the copied nodes, beside them, with new ids: links between them lead to the
     * copies, exits to other nodes are left empty (they would share the originals' targets).
     */
    paste() {
      if (this.readOnly || !clipboard) return
      const copies = []
      const renamed = new Map()
      for (const node of clipboard) {
        node.position = { x: node.position.x + PASTE_OFFSET, y: node.position.y + PASTE_OFFSET }
        const copy = { ...clone(node), id: freshId({ nodes: [...this.flow.nodes, ...copies] }, node.type) }
        renamed.set(node.id, copy.id)
        copies.push(copy)
      }
      for (const copy of copies) for (const exit of exitsOf(copy)) setPath(copy.data, exit.key, renamed.get(exit.target))
      this.flow.nodes.push(...copies)
      this.draw()
      this.select(copies.map((copy) => copy.id))
      this.commit()
    },

    autoLayout() {
      layeredLayout(this.flow)
      this.draw()
      this.fit()
      this.commit()
    },

    zoomIn() {
      df.zoom_in()
    },

    zoomOut() {
      df.zoom_out()
    },

    /** Pans so that the canvas point (x, y) is in the middle of the view. */
    centerOn(x, y) {
      const view = this.$refs.canvas.getBoundingClientRect()
      const rect = df.precanvas.getBoundingClientRect()
      this.panBy(view.left + view.width / 2 - (rect.left + x * df.zoom), view.top + view.height / 2 - (rect.top + y * df.zoom))
    },

    /** Moves the canvas by (dx, dy) screen pixels. */
    panBy(dx, dy) {
      df.canvas_x += dx
      df.canvas_y += dy
      df.precanvas.style.transform = `translate(${df.canvas_x}px, ${df.canvas_y}px) scale(${df.zoom})`
      this.drawMinimap()
    },

    bounds() {
      const boxes = this.flow.nodes.map((node) => {
        const element = document.getElementById(`node-${dfOf.get(node.id)}`)
        return { x: node.position.x, y: node.position.y, w: element?.offsetWidth || NODE_WIDTH, h: element?.offsetHeight || 90 }
      })
      if (!boxes.length) return { x: 0, y: 0, w: 1, h: 1, boxes }
      const x = Math.min(...boxes.map((b) => b.x))
      const y = Math.min(...boxes.map((b) => b.y))
      return { x, y, w: Math.max(...boxes.map((b) => b.x + b.w)) - x, h: Math.max(...boxes.map((b) => b.y + b.h)) - y, boxes }
    },

    /** Zooms and pans so that every node is in view. */
    fit() {
      const view = this.$refs.canvas.getBoundingClientRect()
      const box = this.bounds()
      df.zoom = Math.max(df.zoom_min, Math.min(1, (view.width - 80) / box.w, (view.height - 80) / box.h))
      df.zoom_refresh()
      this.centerOn(box.x + box.w / 2, box.y + box.h / 2)
    },

    /** The overview: every node, and the part of the flow in view (its rectangle drags; a click elsewhere pans there). */
    drawMinimap() {
      const svg = this.$refs.minimap
      if (!svg || !df) return
      const box = this.bounds()
      const pad = 40
      svg.setAttribute('viewBox', `${box.x - pad} ${box.y - pad} ${box.w + 2 * pad} ${box.h + 2 * pad}`)
      const view = this.$refs.canvas.getBoundingClientRect()
      const rect = df.precanvas.getBoundingClientRect()
      const inView = { x: (view.left - rect.left) / df.zoom, y: (view.top - rect.top) / df.zoom, w: view.width / df.zoom, h: view.height / df.zoom }
      const path = new Set(this.path)
      svg.innerHTML =
        box.boxes.map((b, i) => `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="8" class="${path.has(this.flow.nodes[i].id) ? 'fe-mini-path' : 'fe-mini-node'}"/>`).join('') +
        `<rect x="${inView.x}" y="${inView.y}" width="${inView.w}" height="${inView.h}" class="fe-mini-view"/>`
    },

    /** A point of the overview in canvas units (its viewBox is the canvas's). */
    minimapPoint(event) {
      const svg = this.$refs.minimap
      const point = svg.createSVGPoint()
      point.x = event.clientX
      point.y = event.clientY
      return point.matrixTransform(svg.getScreenCTM().inverse())
    },

    /**
     * A press on the overview: outside the view's rectangle it centres the view there; then,
     * until the button is released, the rectangle follows the pointer. A click on the
     * rectangle itself centres the view on that point too.
     */
    minimapPress(event) {
      if (event.button !== 0) return
      const svg = this.$refs.minimap
      const onView = event.target.classList.contains('fe-mini-view')
      let last = this.minimapPoint(event)
      let dragged = false
      if (!onView) this.centerOn(last.x, last.y)
      svg.setPointerCapture(event.pointerId)
      const move = (to) => {
        const at = this.minimapPoint(to)
        this.panBy((last.x - at.x) * df.zoom, (last.y - at.y) * df.zoom)
        last = at
        dragged = true
      }
      const up = () => {
        svg.removeEventListener('pointermove', move)
        svg.removeEventListener('pointerup', up)
        svg.removeEventListener('pointercancel', up)
        if (onView && !dragged) this.centerOn(last.x, last.y)
      }
      svg.addEventListener('pointermove', move)
      svg.addEventListener('pointerup', up)
      svg.addEventListener('pointercancel', up)
    },

    key(event) {
      if (!this.$el.isConnected || typing(event.target)) return
      const mod = event.ctrlKey || event.metaKey
      const key = event.key.toLowerCase()
      if (mod && key === 's') {
        event.preventDefault()
        this.save()
      } else if (this.readOnly) {
        return
      } else if (event.key === 'Delete' || event.key === 'Backspace') {
        event.preventDefault()
        this.removeSelected()
      } else if (event.key === 'Escape') {
        this.select([])
      } else if (mod && key === 'a') {
        event.preventDefault()
        this.select(this.flow.nodes.map((node) => node.id))
      } else if (mod && key === 'z' && !event.shiftKey) {
        event.preventDefault()
        this.undo()
      } else if (mod && (key === 'y' || (key === 'z' && event.shiftKey))) {
        event.preventDefault()
        this.redo()
      } else if (mod && key === 'c') {
        this.copy()
      } else if (mod && key === 'v') {
        event.preventDefault()
        this.paste()
      }
    },

    /* --------------------------------------------------- saving and testing */

    async save() {
      if (this.readOnly || this.saving) return false
      this.saving = true
      const sent = this.snapshot()
      try {
        const response = await fetch(this.urls.save, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', 'accept': 'application/json', 'x-csrf-token': window.csrfToken() },
          body: JSON.stringify({ json: JSON.stringify(documentForSave(this.flow)) }),
        })
        if (response.status === 422) {
          const { errors } = await response.json()
          this.problems = problemsByNode(errors.map((error) => error.message))
          this.status = this.labels.refused.replace('{count}', errors.length)
          this.draw()
          return false
        }
        if (!response.ok) {
          this.status = this.labels.failed
          return false
        }
        const body = await response.json()
        this.version = body.version
        // The history is kept for this revision: a later one on the server is someone else's.
        revision = body.revision
        serverState = sent
        this.problems = { byNode: {}, general: [] }
        this.dirty = false
        this.status = this.labels.saved.replace('{number}', body.version.number)
        localStorage.removeItem(this.backupKey())
        this.draw()
        return true
      } catch {
        this.status = this.labels.failed
        return false
      } finally {
        this.saving = false
      }
    },

    async publish() {
      if (await this.save()) this.$refs.publish.submit()
    },

    /** Saves the draft, then runs it in the test chat from its start. */
    async test() {
      this.testing = true
      this.testRefused = false
      if (!(await this.save())) {
        this.testRefused = true
        return
      }
      await window.htmx.ajax('POST', this.urls.test, { target: '#test-chat', swap: 'innerHTML' })
    },

    closeTest() {
      this.testing = false
      this.path = []
      this.highlight()
    },

    /** The test chat was redrawn: its path lights up on the canvas. */
    tested(event) {
      const state = event.target.querySelector('[data-test-path]')
      if (!state) return
      this.path = JSON.parse(state.dataset.testPath)
      this.highlight(state.dataset.testCurrent)
    },

    highlight(current) {
      const path = new Set(this.path)
      for (const node of this.flow.nodes) {
        const element = document.getElementById(`node-${dfOf.get(node.id)}`)
        element?.classList.toggle('fe-path', path.has(node.id))
        element?.classList.toggle('fe-current', node.id === current)
      }
      document.querySelectorAll('.flow-editor .connection.fe-path').forEach((element) => element.classList.remove('fe-path'))
      for (let i = 1; i < this.path.length; i++) {
        const from = dfOf.get(this.path[i - 1])
        const to = dfOf.get(this.path[i])
        document.querySelector(`.flow-editor .connection.node_out_node-${from}.node_in_node-${to}`)?.classList.add('fe-path')
      }
      this.drawMinimap()
    },

    /* ------------------------------------------------ side panel helpers */

    lines(list) {
      return (list ?? []).join('\n')
    },

    toLines(text) {
      const items = text.split('\n').map((line) => line.trim()).filter(Boolean)
      return items.length ? items : undefined
    },

    headersText(node) {
      return Object.entries(node.data.headers ?? {}).map(([key, value]) => `${key}: ${value}`).join('\n')
    },

    setHeaders(node, text) {
      const entries = text.split('\n').map((line) => line.split(/:(.*)/s)).filter(([key, value]) => key.trim() && value !== undefined)
      node.data.headers = entries.length ? Object.fromEntries(entries.map(([key, value]) => [key.trim(), value.trim()])) : undefined
    },

    mapText(node) {
      return (node.data.map ?? []).map(({ path, variable }) => `${path} = ${variable}`).join('\n')
    },

    setMap(node, text) {
      const items = text.split('\n').map((line) => line.split('=').map((part) => part.trim())).filter(([path, variable]) => path && variable)
      node.data.map = items.length ? items.map(([path, variable]) => ({ path, variable })) : undefined
    },

    delayUnit(node) {
      return (UNITS.find(([, size]) => node.data.seconds % size === 0) ?? UNITS.at(-1))[0]
    },

    setDelay(node, amount, unit) {
      const size = UNITS.find(([name]) => name === unit)[1]
      node.data.seconds = Math.max(1, Math.round(Number(amount) || 0)) * size
    },

    delayAmount(node) {
      return node.data.seconds / UNITS.find(([name]) => name === this.delayUnit(node))[1]
    },

    rowCount(node) {
      return node.data.sections.reduce((sum, section) => sum + section.rows.length, 0)
    },

    addItem(list, item) {
      list.push(item)
      this.changed()
    },

    removeItem(list, index) {
      list.splice(index, 1)
      this.changed()
    },

    uniqueKey(prefix, taken) {
      for (let n = 1; ; n++) if (!taken.includes(`${prefix}_${n}`)) return `${prefix}_${n}`
    },

    newButton(node) {
      return { id: this.uniqueKey('button', node.data.buttons.map((b) => b.id)), title: '' }
    },

    newRow(node) {
      return { id: this.uniqueKey('row', node.data.sections.flatMap((s) => s.rows.map((r) => r.id))), title: '' }
    },
  }
}

/*
 * Alpine started before this module ran (app.js): the editor's root waits under x-ignore until
 * the component exists, then is initialised here, without the observer seeing the change.
 */
window.Alpine.data('flowEditor', flowEditor)

function mount() {
  const { Alpine } = window
  for (const root of document.querySelectorAll('[data-flow-editor][x-ignore]')) {
    Alpine.mutateDom(() => root.removeAttribute('x-ignore'))
    // What x-ignore left on the element (the observer, paused, did not see it go).
    delete root._x_ignore
    Alpine.initTree(root)
  }
}

mount()
// A boosted visit does not run this module again: mount what it swapped in.
document.addEventListener('htmx:load', mount)
