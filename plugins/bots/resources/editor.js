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
const NODE_WIDTH = 220

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
  let clipboard = null
  let drawing = false
  let pending = false

  return {
    flow: null,
    choices: { members: [], teams: [], flows: [] },
    labels: {},
    urls: {},
    readOnly: true,
    version: null,
    selectedId: null,
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
      this.offerBackup()
      this.onKey = (event) => this.key(event)
      document.addEventListener('keydown', this.onKey)
      this.$el.dataset.ready = 'true'
      // The bench reads this (navigation → editor drawn).
      performance.mark('flow-editor-ready')
    },

    destroy() {
      document.removeEventListener('keydown', this.onKey)
    },

    /* ------------------------------------------------------------ the model */

    get node() {
      return this.flow.nodes.find((node) => node.id === this.selectedId) ?? null
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
        // Unsaved work survives a closed tab (the draft on the server may not validate yet).
        try {
          localStorage.setItem(this.backupKey(), JSON.stringify({ at: Date.now(), state }))
        } catch {}
      })
    },

    syncHistory() {
      this.canUndo = history.length > 1
      this.canRedo = future.length > 0
    },

    restore(state) {
      const { start, trigger, nodes } = JSON.parse(state)
      Object.assign(this.flow, { start, trigger, nodes })
      if (!this.nodeById(this.selectedId)) this.selectedId = null
      this.draw()
    },

    undo() {
      if (history.length < 2) return
      future.push(history.pop())
      this.restore(history.at(-1))
      this.dirty = true
      this.syncHistory()
    },

    redo() {
      if (!future.length) return
      history.push(future.pop())
      this.restore(history.at(-1))
      this.dirty = true
      this.syncHistory()
    },

    offerBackup() {
      try {
        const saved = JSON.parse(localStorage.getItem(this.backupKey()) ?? 'null')
        if (saved && saved.state !== history[0]) this.backup = saved
      } catch {}
    },

    restoreBackup() {
      this.restore(this.backup.state)
      this.backup = null
      this.commit()
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
      element.classList.toggle('selected', node.id === this.selectedId)
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
      // The panel's last edit may still wait for its debounce: the node it changed is redrawn now.
      df.on('nodeSelected', (id) => {
        if (this.node) this.changed()
        this.selectedId = idOf.get(Number(id)) ?? null
      })
      df.on('nodeUnselected', () => {
        if (this.node) this.changed()
        this.selectedId = null
      })
      df.on('nodeMoved', (id) => {
        const entry = df.drawflow.drawflow.Home.data[id]
        const node = this.nodeById(idOf.get(Number(id)))
        if (!entry || !node) return
        entry.pos_x = snap(entry.pos_x)
        entry.pos_y = snap(entry.pos_y)
        const element = document.getElementById(`node-${id}`)
        element.style.left = `${entry.pos_x}px`
        element.style.top = `${entry.pos_y}px`
        df.updateConnectionNodes(`node-${id}`)
        node.position = { x: entry.pos_x, y: entry.pos_y }
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
        if (this.selectedId === removed) this.selectedId = null
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
      this.select(node.id)
      this.decorate(node)
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

    select(id) {
      const previous = this.selectedId
      this.selectedId = id
      for (const nodeId of [previous, id]) {
        const node = nodeId && this.nodeById(nodeId)
        if (node) this.decorate(node)
      }
    },

    removeSelected() {
      if (this.readOnly) return
      if (this.selectedId) df.removeNodeId(`node-${dfOf.get(this.selectedId)}`)
      else if (df.connection_selected) df.removeConnection()
    },

    setStart(id) {
      this.flow.start = id
      this.draw()
      this.commit()
    },

    copy() {
      if (this.node) clipboard = clone(this.node)
    },

    /** A copy of the copied node, beside it, without its exits (they would point at the original's targets). */
    paste() {
      if (!clipboard) return
      const data = clone(clipboard.data)
      for (const exit of exitsOf({ type: clipboard.type, data })) setPath(data, exit.key, undefined)
      this.addNode(clipboard.type, { x: clipboard.position.x + 40, y: clipboard.position.y + 40 }, data)
      clipboard.position = { x: clipboard.position.x + 40, y: clipboard.position.y + 40 }
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
      df.canvas_x += view.left + view.width / 2 - (rect.left + x * df.zoom)
      df.canvas_y += view.top + view.height / 2 - (rect.top + y * df.zoom)
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

    /** The overview: every node, and the part of the flow in view; a click there pans. */
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

    minimapClick(event) {
      const svg = this.$refs.minimap
      const point = svg.createSVGPoint()
      point.x = event.clientX
      point.y = event.clientY
      const at = point.matrixTransform(svg.getScreenCTM().inverse())
      this.centerOn(at.x, at.y)
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
      try {
        const response = await fetch(this.urls.save, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', 'accept': 'application/json', 'x-xsrf-token': window.csrfToken() },
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
