/**
 * GET /phone: a customer's phone in the browser. Pick a number, be a customer, read what the
 * business sends, answer (text, photo, location), tap reply buttons and list rows, react.
 * The page reads /_sim/conversation (both directions, already shaped for display) and
 * refreshes on /_sim/events.
 */
import { json, type Router } from './http.js'
import type { SimState } from './state.js'
import { renderTemplate, type RenderedTemplate } from './templates.js'
import type { InjectedMessage, ReceivedRequest, StatusName } from './types.js'
import { isObject, type Json } from './validate.js'

interface Button {
  /** reply: an interactive reply button; quick_reply: a template's; url: a link. */
  kind: 'reply' | 'quick_reply' | 'url'
  id: string
  title: string
}

interface ThreadItem {
  id: string
  from: 'business' | 'customer'
  at: string
  status?: StatusName
  read?: boolean
  header?: string
  text?: string
  footer?: string
  media?: { url: string; type: string; filename?: string }
  buttons?: Button[]
  list?: { button: string; sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[] }
  reactions: { from: 'business' | 'customer'; emoji: string }[]
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined)
const obj = (value: unknown): Json => (isObject(value) ? value : {})
const list = (value: unknown) => (Array.isArray(value) ? value.map(obj) : [])
const mediaUrl = (source: Json) => (str(source.id) ? `/_sim/media/${source.id}` : (str(source.link) ?? str(source.url) ?? ''))

function locationText(location: Json) {
  return `📍 ${[str(location.name), str(location.address)].filter(Boolean).join(', ')} (${location.latitude}, ${location.longitude})`.trim()
}

function fromTemplate(rendered: RenderedTemplate): Partial<ThreadItem> {
  return {
    header: rendered.header?.text,
    media: rendered.header?.media ? { url: mediaUrl(rendered.header.media), type: rendered.header.media.type } : undefined,
    text: rendered.body,
    footer: rendered.footer,
    buttons: rendered.buttons.map((button) => ({
      kind: button.type === 'QUICK_REPLY' ? 'quick_reply' : 'url',
      id: button.payload ?? button.text,
      title: button.text,
    })),
  }
}

/** A Cloud API / 360dialog body as the customer sees it. */
function metaView(state: SimState, record: ReceivedRequest): Partial<ThreadItem> {
  const body = record.body
  const content = obj(body[record.type])
  switch (record.type) {
    case 'text':
      return { text: str(content.body) }
    case 'location':
      return { text: locationText(content) }
    case 'contacts':
      return { text: `👤 ${list(body.contacts).map((contact) => str(obj(contact.name).formatted_name)).join(', ')}` }
    case 'template': {
      const number = state.numbers.get(record.phoneNumberId)
      const language = str(obj(content.language).code)
      const template = number && state.templates.list(number.info.wabaId).find((item) => item.name === content.name && item.language === language)
      return template ? fromTemplate(renderTemplate(template, content)) : { text: `Template ${String(content.name)}` }
    }
    case 'interactive': {
      const header = obj(content.header)
      const headerType = str(header.type)
      const action = obj(content.action)
      const view: Partial<ThreadItem> = {
        header: str(header.text),
        media: headerType && headerType !== 'text' ? { url: mediaUrl(obj(header[headerType])), type: headerType } : undefined,
        text: str(obj(content.body).text),
        footer: str(obj(content.footer).text),
      }
      if (content.type === 'button') {
        view.buttons = list(action.buttons).map((button) => {
          const reply = obj(button.reply)
          return { kind: 'reply', id: String(reply.id), title: String(reply.title) }
        })
      } else if (content.type === 'list') {
        view.list = {
          button: String(action.button),
          sections: list(action.sections).map((section) => ({
            title: str(section.title),
            rows: list(section.rows).map((row) => ({ id: String(row.id), title: String(row.title), description: str(row.description) })),
          })),
        }
      } else {
        const parameters = obj(action.parameters)
        view.buttons = [{ kind: 'url', id: String(parameters.url), title: String(parameters.display_text) }]
      }
      return view
    }
    default:
      // image, video, audio, document, sticker
      return { text: str(content.caption), media: { url: mediaUrl(content), type: record.type, filename: str(content.filename) } }
  }
}

/** A Gupshup form (message or template) as the customer sees it. */
function gupshupView(state: SimState, record: ReceivedRequest): Partial<ThreadItem> {
  const message = obj(record.body.message)
  if (record.type === 'template') {
    const payload = obj(record.body.template)
    const number = state.numbers.get(record.phoneNumberId)
    const template = number && state.templates.list(number.info.wabaId).find((item) => item.id === payload.id)
    if (!template) return { text: `Template ${String(payload.id)}` }
    const params = (Array.isArray(payload.params) ? payload.params : []).map((text) => ({ type: 'text', text }))
    const header = template.components.find((component) => component.type === 'HEADER')
    const headerCount = header?.format === 'TEXT' ? (header.text?.match(/\{\{/g)?.length ?? 0) : 0
    const view = fromTemplate(
      renderTemplate(template, {
        components: [
          { type: 'header', parameters: header?.format && header.format !== 'TEXT' ? [message] : params.slice(0, headerCount) },
          { type: 'body', parameters: params.slice(headerCount) },
        ],
      })
    )
    const headerMedia = header?.format && header.format !== 'TEXT' ? obj(message[header.format.toLowerCase()]) : undefined
    return headerMedia ? { ...view, media: { url: mediaUrl(headerMedia), type: header!.format!.toLowerCase() } } : view
  }
  switch (record.type) {
    case 'text':
      return { text: str(message.text) }
    case 'location':
      return { text: locationText(message) }
    case 'image':
      return { text: str(message.caption), media: { url: String(message.originalUrl), type: 'image' } }
    case 'quick_reply': {
      const content = obj(message.content)
      return {
        header: str(content.header),
        text: str(content.text),
        footer: content.type === 'text' ? str(content.caption) : undefined,
        media: content.type === 'text' ? undefined : { url: String(content.url), type: String(content.type) },
        buttons: list(message.options).map((option) => ({
          kind: 'reply',
          id: String(option.postbackText ?? option.title),
          title: String(option.title),
        })),
      }
    }
    case 'list':
      return {
        header: str(message.title),
        text: str(message.body),
        list: {
          button: String(obj(list(message.globalButtons)[0]).title),
          sections: list(message.items).map((item) => ({
            title: str(item.title),
            rows: list(item.options).map((option) => ({
              id: String(option.postbackText ?? option.id ?? option.title),
              title: String(option.title),
              description: str(option.description),
            })),
          })),
        },
      }
    default:
      // video, audio, sticker, file
      return { text: str(message.caption), media: { url: String(message.url), type: record.type, filename: str(message.filename) } }
  }
}

function customerView(message: InjectedMessage): Partial<ThreadItem> {
  const input = message.input
  const media = message.mediaId ? { url: `/_sim/media/${message.mediaId}`, type: message.type, filename: input.media?.filename } : undefined
  switch (input.type) {
    case 'text':
      return { text: input.text }
    case 'location':
      return { text: locationText((input.location ?? {}) as Json) }
    case 'contacts':
      return { text: '👤 Contact card' }
    case 'interactive':
      return { text: `↩ ${input.interactive?.title ?? ''}` }
    case 'button':
      return { text: `↩ ${input.button?.text ?? ''}` }
    case 'unsupported':
      return { text: '(unsupported message)' }
    case 'opt-in':
    case 'opt-out':
      return { text: `(${input.type})` }
    default:
      return { media, text: input.caption }
  }
}

/** Both directions of one customer's conversation with one number, oldest first. */
export function conversationView(state: SimState, phoneNumberId: string, customer: string) {
  const sent = state.received.filter((item) => item.phoneNumberId === phoneNumberId && item.kind === 'message' && item.to === customer)
  const got = state.injected.filter((item) => item.phoneNumberId === phoneNumberId && item.from === customer)
  const items = new Map<string, ThreadItem>()
  const alias = new Map<string, string>()

  for (const record of sent) {
    if (record.type === 'reaction') continue
    const view = record.mode === 'gupshup' ? gupshupView(state, record) : metaView(state, record)
    items.set(record.id, { id: record.id, from: 'business', at: record.at, status: record.status, reactions: [], ...view })
    alias.set(record.wamid, record.id)
  }
  for (const message of got) {
    if (message.type === 'reaction') continue
    items.set(message.id, { id: message.id, from: 'customer', at: message.at, read: message.read, reactions: [], ...customerView(message) })
  }
  // Reactions decorate the message they point at; an empty emoji removes one.
  const react = (target: string | undefined, from: 'business' | 'customer', emoji: string) => {
    const item = target ? items.get(alias.get(target) ?? target) : undefined
    if (!item) return
    item.reactions = item.reactions.filter((reaction) => reaction.from !== from)
    if (emoji) item.reactions.push({ from, emoji })
  }
  for (const record of sent.filter((item) => item.type === 'reaction')) {
    const reaction = obj(record.body.reaction)
    react(str(reaction.message_id), 'business', String(reaction.emoji ?? ''))
  }
  for (const message of got.filter((item) => item.type === 'reaction')) {
    react(message.input.reaction?.messageId, 'customer', message.input.reaction?.emoji ?? '')
  }
  return [...items.values()].sort((a, b) => a.at.localeCompare(b.at))
}

export function registerPhonePage(router: Router, state: SimState) {
  router.add('GET', /^\/phone\/?$/, () => ({ status: 200, body: PAGE, headers: { 'content-type': 'text/html; charset=utf-8' } }))
  // The demo's address is the simulator's: send people to the phone.
  router.add('GET', /^\/$/, () => ({ status: 302, headers: { location: '/phone' } }))

  router.add('GET', /^\/_sim\/conversation$/, (req) => {
    const phoneNumberId = req.query('phoneNumberId') ?? ''
    const customer = (req.query('customer') ?? '').replace(/^\+/, '')
    const number = state.numbers.get(phoneNumberId)
    if (!number) return json(404, { error: `No number ${phoneNumberId} is configured in the simulator` })
    return json(200, { number: number.info, items: conversationView(state, phoneNumberId, customer) })
  })

  // The page shows media without credentials.
  router.add('GET', /^\/_sim\/media\/([^/]+)$/, (_req, [id]) => {
    const blob = state.media.get(id)
    return blob ? { status: 200, body: blob.data, headers: { 'content-type': blob.mimeType } } : json(404, { error: 'No such media' })
  })
}

const PAGE = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Phone · WhatsApp simulator</title>
<style>
  :root { color-scheme: light dark; --bg: #efeae2; --bar: #008069; --bar-text: #fff; --me: #d9fdd3; --them: #fff; --text: #111b21; --muted: #667781; --line: #d1d7db; --accent: #027eb5; --input: #fff; }
  @media (prefers-color-scheme: dark) {
    :root { --bg: #0b141a; --bar: #202c33; --bar-text: #e9edef; --me: #005c4b; --them: #202c33; --text: #e9edef; --muted: #8696a0; --line: #2a3942; --accent: #53bdeb; --input: #2a3942; }
  }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
  .phone { max-width: 480px; min-height: 100vh; margin: 0 auto; display: flex; flex-direction: column; }
  header { background: var(--bar); color: var(--bar-text); padding: 8px; display: grid; gap: 6px; grid-template-columns: 1fr 1fr; position: sticky; top: 0; z-index: 1; }
  header select, header input { width: 100%; min-width: 0; padding: 6px; border-radius: 6px; border: 0; background: var(--input); color: var(--text); font: inherit; }
  header .wide { grid-column: 1 / -1; }
  #status { font-size: 12px; opacity: .85; grid-column: 1 / -1; }
  main { flex: 1; padding: 12px 8px; display: flex; flex-direction: column; gap: 6px; }
  .bubble { max-width: 85%; padding: 6px 9px 4px; border-radius: 8px; background: var(--them); align-self: flex-start; box-shadow: 0 1px .5px rgba(0,0,0,.13); overflow-wrap: anywhere; }
  .bubble.customer { background: var(--me); align-self: flex-end; }
  .bubble .head { font-weight: 600; }
  .bubble .foot, .bubble .meta { color: var(--muted); font-size: 12px; }
  .bubble .meta { text-align: right; display: flex; gap: 6px; justify-content: flex-end; align-items: center; }
  .bubble img, .bubble video { max-width: 100%; border-radius: 6px; display: block; margin-bottom: 4px; }
  .text { white-space: pre-wrap; }
  .actions { display: grid; gap: 4px; margin-top: 6px; }
  .actions button, .rows button { background: none; border: 0; border-top: 1px solid var(--line); color: var(--accent); padding: 8px 4px; font: inherit; cursor: pointer; text-align: center; }
  .rows { display: none; margin-top: 4px; }
  .rows.open { display: grid; }
  .rows .section { color: var(--muted); font-size: 12px; padding-top: 6px; }
  .rows button { text-align: left; color: var(--text); }
  .rows small { display: block; color: var(--muted); }
  .reactions { font-size: 14px; margin-top: -2px; }
  .react { background: none; border: 0; cursor: pointer; font-size: 14px; padding: 0 2px; opacity: .6; color: inherit; }
  .palette { display: none; gap: 4px; margin-top: 4px; }
  .palette.open { display: flex; }
  .palette button { border: 0; background: none; font-size: 20px; cursor: pointer; padding: 0 2px; }
  footer { position: sticky; bottom: 0; display: flex; gap: 6px; padding: 8px; background: var(--bar); }
  footer input { flex: 1; min-width: 0; padding: 9px 12px; border-radius: 20px; border: 0; background: var(--input); color: var(--text); font: inherit; }
  footer button { border: 0; border-radius: 50%; width: 40px; height: 40px; flex: none; background: #00a884; color: #fff; font-size: 17px; cursor: pointer; }
  .empty { color: var(--muted); text-align: center; margin-top: 30vh; }
</style>
</head>
<body>
<div class="phone">
  <header>
    <select id="number" class="wide" aria-label="Business number"></select>
    <input id="customer" inputmode="numeric" placeholder="Your number (digits)" aria-label="Your number">
    <input id="name" placeholder="Your name" aria-label="Your name">
    <div id="status"></div>
  </header>
  <main id="thread"><p class="empty">Choose a number and type your own to start.</p></main>
  <footer>
    <button id="photo" title="Send a photo" aria-label="Send a photo">📷</button>
    <button id="place" title="Send a location" aria-label="Send a location">📍</button>
    <input id="text" placeholder="Message" aria-label="Message" autocomplete="off">
    <button id="send" title="Send" aria-label="Send">➤</button>
  </footer>
</div>
<script>
const $ = (id) => document.getElementById(id)
const TICKS = { accepted: '🕓', enqueued: '🕓', sent: '✓', delivered: '✓✓', read: '✓✓ read', failed: '⚠ failed' }
const EMOJI = ['👍', '❤️', '😂', '😮', '🙏', '']
let events

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props)
  for (const child of children) if (child !== undefined && child !== null) node.append(child)
  return node
}

async function api(path, options = {}) {
  const response = await fetch(path, { headers: { 'content-type': 'application/json' }, ...options })
  const body = await response.json()
  if (!response.ok) throw new Error(body.error || response.statusText)
  return body
}

const current = () => ({ phoneNumberId: $('number').value, customer: $('customer').value.replace(/\\D/g, ''), name: $('name').value.trim() })

function say(text) { $('status').textContent = text }

async function inject(input) {
  const { phoneNumberId, customer, name } = current()
  if (!phoneNumberId || !customer) return say('Choose a number and type your own first.')
  try {
    const result = await api('/_sim/inbound', { method: 'POST', body: JSON.stringify({ phoneNumberId, from: customer, name: name || undefined, ...input }) })
    say(result.webhook.ok ? 'Delivered to the platform.' : 'The platform did not accept the webhook (' + (result.webhook.status || result.webhook.error) + ').')
  } catch (error) { say(error.message) }
  refresh()
}

function media(item) {
  if (!item.media || !item.media.url) return null
  const { type, url, filename } = item.media
  if (type === 'image' || type === 'sticker') return el('img', { src: url, alt: type, loading: 'lazy', style: type === 'sticker' ? 'width:96px' : '' })
  if (type === 'video') return el('video', { src: url, controls: true })
  if (type === 'audio') return el('audio', { src: url, controls: true })
  return el('a', { href: url, target: '_blank', rel: 'noopener', textContent: '📄 ' + (filename || type) })
}

function bubble(item) {
  const mine = item.from === 'customer'
  const node = el('div', { className: 'bubble ' + item.from })
  node.append(...[
    media(item),
    item.header ? el('div', { className: 'head', textContent: item.header }) : null,
    item.text ? el('div', { className: 'text', textContent: item.text }) : null,
    item.footer ? el('div', { className: 'foot', textContent: item.footer }) : null,
  ].filter(Boolean))
  if (item.buttons && item.buttons.length) {
    const actions = el('div', { className: 'actions' })
    for (const button of item.buttons) {
      if (button.kind === 'url') { actions.append(el('button', { textContent: '↗ ' + button.title, disabled: true })); continue }
      actions.append(el('button', {
        textContent: button.title,
        onclick: () => button.kind === 'reply'
          ? inject({ type: 'interactive', interactive: { type: 'button_reply', id: button.id, title: button.title }, context: { id: item.id } })
          : inject({ type: 'button', button: { payload: button.id, text: button.title }, context: { id: item.id } }),
      }))
    }
    node.append(actions)
  }
  if (item.list) {
    const rows = el('div', { className: 'rows' })
    for (const section of item.list.sections) {
      if (section.title) rows.append(el('div', { className: 'section', textContent: section.title }))
      for (const row of section.rows) {
        rows.append(el('button', {
          onclick: () => inject({ type: 'interactive', interactive: { type: 'list_reply', id: row.id, title: row.title, description: row.description }, context: { id: item.id } }),
        }, row.title, row.description ? el('small', { textContent: row.description }) : null))
      }
    }
    node.append(el('div', { className: 'actions' }, el('button', { textContent: '☰ ' + item.list.button, onclick: () => rows.classList.toggle('open') })), rows)
  }
  if (item.reactions.length) node.append(el('div', { className: 'reactions', textContent: item.reactions.map((r) => r.emoji).join(' ') }))
  const meta = el('div', { className: 'meta' }, el('span', { textContent: new Date(item.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) }))
  if (mine) meta.append(el('span', { textContent: item.read ? '✓✓ read' : '✓' }))
  else {
    const palette = el('div', { className: 'palette' }, ...EMOJI.map((emoji) => el('button', {
      textContent: emoji || '✕', title: emoji ? 'React ' + emoji : 'Remove reaction',
      onclick: () => inject({ type: 'reaction', reaction: { messageId: item.id, emoji } }),
    })))
    meta.prepend(el('button', { className: 'react', textContent: '☺', title: 'React', onclick: () => palette.classList.toggle('open') }))
    meta.append(el('span', { textContent: TICKS[item.status] || '' }))
    node.append(palette)
  }
  node.append(meta)
  return node
}

let pending
async function refresh() {
  const { phoneNumberId, customer } = current()
  if (!phoneNumberId || !customer) return
  try {
    const { items } = await api('/_sim/conversation?phoneNumberId=' + encodeURIComponent(phoneNumberId) + '&customer=' + customer)
    const thread = $('thread')
    const atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40
    thread.replaceChildren(...(items.length ? items.map(bubble) : [el('p', { className: 'empty', textContent: 'No messages yet: say hello.' })]))
    if (atBottom) window.scrollTo(0, document.body.scrollHeight)
  } catch (error) { say(error.message) }
}
// Many changes arrive together (a send and its statuses): redraw once.
const soon = () => { clearTimeout(pending); pending = setTimeout(refresh, 80) }

function listen() {
  const { phoneNumberId, customer } = current()
  events?.close()
  localStorage.setItem('wa-sim-phone', JSON.stringify(current()))
  if (!phoneNumberId) return
  events = new EventSource('/_sim/events?phoneNumberId=' + encodeURIComponent(phoneNumberId))
  events.onmessage = (event) => {
    const change = JSON.parse(event.data)
    if (!change.customer || change.customer === customer) soon()
  }
  refresh()
}

async function start() {
  const saved = JSON.parse(localStorage.getItem('wa-sim-phone') || '{}')
  const { numbers } = await api('/_sim/numbers')
  $('number').replaceChildren(...numbers.map((n) => el('option', { value: n.phoneNumberId, textContent: '+' + n.displayPhone + ' · ' + n.mode + ' · ' + n.phoneNumberId })))
  if (!numbers.length) say('No numbers configured: POST /_sim/numbers or start with --numbers.')
  if (saved.phoneNumberId && numbers.some((n) => n.phoneNumberId === saved.phoneNumberId)) $('number').value = saved.phoneNumberId
  $('customer').value = saved.customer || ''
  $('name').value = saved.name || ''
  for (const id of ['number', 'customer', 'name']) $(id).addEventListener('change', listen)
  listen()
}

function sendText() {
  const text = $('text').value.trim()
  if (!text) return
  $('text').value = ''
  inject({ type: 'text', text })
}
$('send').onclick = sendText
$('text').addEventListener('keydown', (event) => { if (event.key === 'Enter') sendText() })
$('photo').onclick = () => {
  const caption = $('text').value.trim() || undefined
  $('text').value = ''
  inject({ type: 'image', caption })
}
$('place').onclick = () => inject({ type: 'location', location: { latitude: 38.7223, longitude: -9.1393, name: 'Praça do Comércio', address: 'Lisbon' } })
start().catch((error) => say(error.message))
</script>
</body>
</html>
`
