/*
 * The inbox, live. SSE (services/live.ts) only says which conversation, or which of its
 * messages or notes, changed; this fetches the rendered partial (row, message, note, header) and
 * puts it in place: once (by DOM id), in order (rows by last activity, messages by id, notes by
 * time), and never an older state over a newer one (fetches per item are serialised; a
 * message's status rank only rises, a note's edit time too). A deleted note (404) goes away.
 * A module runs once per tab while boosted navigation swaps pages: everything reads the current DOM.
 */
const live = () => document.querySelector('[data-inbox-live]')
const openConversation = () => Number(document.querySelector('[data-conversation-id]')?.dataset.conversationId) || null

/** One fetch at a time per item; events meanwhile cause one more, which sees the latest state. */
const running = new Map()
function serialised(key, work) {
  if (running.has(key)) return void running.set(key, true)
  running.set(key, false)
  ;(async () => {
    do {
      running.set(key, false)
      try {
        await work()
      } catch (error) {
        console.error(error)
      }
    } while (running.get(key))
    running.delete(key)
  })()
}

/** A partial as HTMX would ask for it; null when it is gone (404) or refused. */
async function partial(path) {
  const root = live()
  if (!root) return null
  const response = await fetch(`${root.dataset.inboxBase}${path}`, { headers: { 'HX-Request': 'true' } })
  return response.ok ? response : null
}

function parse(html) {
  const template = document.createElement('template')
  template.innerHTML = html
  return template.content
}

function put(node, parent, before) {
  parent.insertBefore(node, before ?? null)
  window.htmx.process(node)
}

/* ---------------------------------------------------------------- the list */

const position = (row) => row.dataset.position.split('-').map(BigInt)
const isNewer = (a, b) => {
  const [at, aid] = position(a)
  const [bt, bid] = position(b)
  return at > bt || (at === bt && aid > bid)
}

/** The row where its last activity puts it, or nowhere when the list's filters leave it out. */
function placeRow(id, row) {
  const list = document.getElementById('conversation-list')
  if (!list) return
  list.querySelector(`[data-row="${id}"]`)?.remove()
  if (!row) return
  const before = [...list.querySelectorAll('[data-row]')].find((other) => isNewer(row, other))
  // Older than every row shown while more pages wait below: scrolling brings it, once.
  if (!before && list.querySelector('[data-testid="list-sentinel"]')) return
  list.querySelector('[data-testid="list-empty"]')?.remove()
  put(row, list, before)
}

function refreshRow(id) {
  serialised(`row:${id}`, async () => {
    const filters = document.querySelector('[data-testid="filters"]')
    const query = new URLSearchParams([...new FormData(filters ?? undefined)].filter(([, value]) => value !== ''))
    if (openConversation() === id) query.set('current', 'true')
    const response = await partial(`/conversations/${id}/row?${query}`)
    if (!response) return
    const unread = response.headers.get('X-Inbox-Unread')
    if (unread !== null) window.setTitleCount(Number(unread))
    placeRow(id, parse(await response.text()).querySelector('[data-row]'))
  })
}

/* -------------------------------------------------------------- the thread */

/**
 * Where an item goes in the thread: a message among the messages by id, a note among everything
 * by time (`data-at`); a message also goes before the notes written after it.
 */
function placeItem(item, thread) {
  const at = Number(item.dataset.at)
  const shown = [...thread.querySelectorAll(':scope > [data-message], :scope > [data-note]')]
  let index = item.dataset.note
    ? shown.findIndex((other) => Number(other.dataset.at) > at)
    : shown.findIndex((other) => Number(other.dataset.message) > Number(item.dataset.message))
  if (index === -1) index = shown.length
  if (item.dataset.message) while (index > 0 && shown[index - 1].dataset.note && Number(shown[index - 1].dataset.at) > at) index--
  // Older than the page shown, with older pages still to load: "load older" brings it.
  if (index === 0 && shown.length && document.getElementById('load-older')) return
  put(item, thread, shown[index])
}

/** Adds messages and notes to the open thread, once; a message replaces the copy shown when it is not further along. */
function placeMessages(html, { scroll = false } = {}) {
  const thread = document.getElementById('thread-messages')
  const pane = document.getElementById('thread')
  if (!thread || !pane) return
  const atBottom = scroll || pane.scrollHeight - pane.scrollTop - pane.clientHeight < 80
  for (const item of parse(html).querySelectorAll('[data-message], [data-note]')) {
    const shown = document.getElementById(item.id)
    if (!shown) placeItem(item, thread)
    // A copy replaces the one shown unless it is older: a message not further along, a note not edited later.
    else if (item.dataset.message ? Number(item.dataset.rank) >= Number(shown.dataset.rank) : Number(item.dataset.version) >= Number(shown.dataset.version)) {
      shown.replaceWith(item)
      window.htmx.process(item)
    }
  }
  document.querySelector('[data-thread-empty]')?.remove()
  if (atBottom) pane.scrollTop = pane.scrollHeight
}

/** A message or note of the open conversation, fetched and placed (`kind`: messages or notes). */
function refreshItem(conversationId, kind, id) {
  if (openConversation() !== conversationId) return
  serialised(`${kind}:${id}`, async () => {
    const response = await partial(`/conversations/${conversationId}/${kind}/${id}`)
    if (openConversation() !== conversationId) return
    if (response) placeMessages(await response.text())
    // A note that is no more (deleted) leaves the thread.
    else if (kind === 'notes') document.getElementById(`note-${id}`)?.remove()
  })
}

function refreshHeader(id) {
  if (openConversation() !== id) return
  serialised(`header:${id}`, async () => {
    const response = await partial(`/conversations/${id}/header`)
    const header = response && parse(await response.text()).querySelector('#conversation-header')
    const shown = document.getElementById('conversation-header')
    if (header && shown && openConversation() === id) {
      shown.replaceWith(header)
      window.htmx.process(header)
    }
  })
}

/* ------------------------------------------------------------------ wiring */

function onEvent(event) {
  // Others follow the same events (alerts.js: sound and notifications).
  window.dispatchEvent(new CustomEvent('inbox:live', { detail: event }))
  const { conversationId, messageId, noteId } = event
  // A note changes neither the row nor the header: only the thread.
  if (noteId) return refreshItem(conversationId, 'notes', noteId)
  refreshRow(conversationId)
  if (messageId) refreshItem(conversationId, 'messages', messageId)
  else refreshHeader(conversationId)
}

// The agent's own sends (text, template, note): HTMX brings the message or note, placed like a live one.
document.addEventListener('htmx:afterRequest', (event) => {
  const { elt, successful, xhr } = event.detail
  if (successful && elt.matches?.('[data-thread-append]')) placeMessages(xhr.responseText, { scroll: true })
})

let channel = null
let stop = null

/** Listens to the channel the page names (none outside the inbox); the title shows the unread count. */
async function follow() {
  const root = live()
  const wanted = root?.dataset.inboxLive ?? null
  if (root) window.setTitleCount(Number(root.dataset.unreadConversations) || 0)
  if (wanted === channel) return
  stop?.()
  if (channel) await window.liveTransmit().subscription(channel).delete()
  channel = wanted
  stop = null
  if (!wanted) return
  const subscription = window.liveTransmit().subscription(wanted)
  stop = subscription.onMessage(onEvent)
  await subscription.create()
}

document.addEventListener('htmx:afterSettle', () => void follow())
void follow()
