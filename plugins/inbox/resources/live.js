/*
 * The inbox, live. SSE (services/live.ts) only says which conversation, or which of its
 * messages or notes, changed; this fetches the rendered partial (row, message, note, header) and
 * puts it in place: once (by DOM id), in order (rows by last activity, messages by id, notes by
 * time), and never an older state over a newer one (fetches per item are serialised; a
 * message's status rank only rises, a note's edit time too). A deleted note (404) goes away.
 * Events missed while the tab was not listening (a dropped connection, a sleeping laptop, a
 * restarted server, a long while hidden) are caught up by asking for what the page shows and
 * merging it the same way (catchUp). The open conversation is read as the customer writes while
 * it is shown; its composer follows the 24-hour window; the assign menu's dots follow presence.
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

/** A POST with the CSRF token, as htmx sends them (resources/js/app.js). */
function post(path) {
  const root = live()
  if (!root) return null
  return fetch(`${root.dataset.inboxBase}${path}`, { method: 'POST', headers: { 'HX-Request': 'true', 'X-CSRF-TOKEN': window.csrfToken() } })
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

/**
 * Highlighted when it is the open conversation's: as the page is now, whatever it was when the
 * row was fetched (another row clicked meanwhile swaps the open conversation).
 */
function markRow(row) {
  const link = row.querySelector('[data-conversation-link]')
  if (!link) return
  const current = Number(row.dataset.row) === openConversation()
  link.dataset.current = String(current)
  link.setAttribute('aria-current', current ? 'page' : 'false')
  link.classList.toggle('bg-brand/10', current)
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
  markRow(row)
  put(row, list, before)
}

/** The list's filters as its form has them (the rows fetched must be the rows this list shows). */
function listQuery() {
  const filters = document.querySelector('[data-testid="filters"]')
  return new URLSearchParams([...new FormData(filters ?? undefined)].filter(([, value]) => value !== ''))
}

const showTitleCount = (response) => {
  const unread = response.headers.get('X-Inbox-Unread')
  if (unread !== null) window.setTitleCount(Number(unread))
}

/** Conversations to read before their row is fetched (open and shown as the customer wrote). */
const toRead = new Set()

function refreshRow(id) {
  serialised(`row:${id}`, async () => {
    // Read first, so that the row comes without the badge rather than with it for a moment.
    if (toRead.delete(id)) await post(`/conversations/${id}/read`)
    const query = listQuery()
    if (openConversation() === id) query.set('current', 'true')
    const response = await partial(`/conversations/${id}/row?${query}`)
    if (!response) return
    showTitleCount(response)
    placeRow(id, parse(await response.text()).querySelector('[data-row]'))
  })
}

/**
 * Catching up the list: its first page, fetched again, is merged like live rows. A row shown
 * that should be on that page (newer than its last row) but is not has left the list (resolved,
 * assigned away…): rows only ever move up.
 */
function syncList() {
  serialised('list', async () => {
    const list = document.getElementById('conversation-list')
    const response = list && (await partial(`?${listQuery()}`))
    if (!response) return
    showTitleCount(response)
    const page = parse(await response.text())
    const rows = [...page.querySelectorAll('[data-row]')]
    const last = rows.at(-1)
    const more = !!page.querySelector('[data-testid="list-sentinel"]')
    const fresh = new Set(rows.map((row) => row.dataset.row))
    for (const shown of list.querySelectorAll('[data-row]')) {
      if (!fresh.has(shown.dataset.row) && (!more || !last || isNewer(shown, last))) shown.remove()
    }
    for (const row of rows) placeRow(Number(row.dataset.row), row)
    if (!list.querySelector('[data-row]') && !list.querySelector('[data-testid="list-empty"]')) {
      const empty = page.querySelector('[data-testid="list-empty"]')
      if (empty) put(empty, list)
    }
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
  for (const item of (typeof html === 'string' ? parse(html) : html).querySelectorAll('[data-message], [data-note]')) {
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

/**
 * Catching up the open thread: its latest page (messages and the notes of their time), merged
 * like live items — new ones in order, further ticks, edited notes; notes of that time span it no
 * longer has were deleted. When more than a page was missed (its oldest message is newer than
 * any shown) the thread starts again from that page, "load older" below the gap.
 */
function syncThread(id) {
  serialised(`thread:${id}`, async () => {
    const response = await partial(`/conversations/${id}/messages`)
    const thread = document.getElementById('thread-messages')
    if (!response || !thread || openConversation() !== id) return
    const page = parse(await response.text())
    const messages = [...page.querySelectorAll('[data-message]')]
    const newestShown = Math.max(0, ...[...thread.querySelectorAll(':scope > [data-message]')].map((item) => Number(item.dataset.message)))
    const partialPage = !!page.getElementById('load-older')
    if (partialPage && messages.length && Number(messages[0].dataset.message) > newestShown) {
      thread.replaceChildren(page)
      window.htmx.process(thread)
      const pane = document.getElementById('thread')
      pane.scrollTop = pane.scrollHeight
      return
    }
    const from = partialPage && messages.length ? Number(messages[0].dataset.at) : -Infinity
    for (const note of thread.querySelectorAll(':scope > [data-note]')) {
      if (Number(note.dataset.at) >= from && !page.getElementById(note.id)) note.remove()
    }
    placeMessages(page)
  })
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

/**
 * The reply side of the composer as the 24-hour window has it now: swapped when the window
 * closed or opened (the text box ⇄ the template picker); otherwise only the countdown's end
 * moves, and what the agent is typing stays.
 */
function refreshComposer(id) {
  // A viewer's page has no composer to follow.
  if (openConversation() !== id || !document.getElementById('composer-reply')) return
  serialised(`composer:${id}`, async () => {
    const response = await partial(`/conversations/${id}/composer`)
    const fresh = response && parse(await response.text()).getElementById('composer-reply')
    const shown = document.getElementById('composer-reply')
    if (!fresh || !shown || openConversation() !== id) return
    if (fresh.dataset.window !== shown.dataset.window) {
      shown.replaceWith(fresh)
      window.htmx.process(fresh)
    } else if (fresh.dataset.expires) {
      shown.querySelector('[data-testid="window-countdown"]')?.dispatchEvent(new CustomEvent('window-expires', { detail: fresh.dataset.expires }))
    }
  })
}

/** An agent's presence changed: the dots of the open assign menu, from a fresh header (the menu stays as it is). */
function refreshPresence() {
  const id = openConversation()
  if (!id) return
  serialised(`presence:${id}`, async () => {
    const response = await partial(`/conversations/${id}/header`)
    const header = response && parse(await response.text())
    if (!header || openConversation() !== id) return
    for (const dot of header.querySelectorAll('[data-assign] [data-presence]')) {
      const shown = document.querySelector(`#conversation-header [data-assign="${dot.closest('[data-assign]').dataset.assign}"] [data-presence]`)
      shown?.replaceWith(dot)
    }
  })
}

/* ------------------------------------------------------------------ wiring */

const shown = () => document.visibilityState === 'visible'

/** The open conversation is read (if anything is unread) and its row fetched without the badge. */
function readOpen(id) {
  toRead.add(id)
  refreshRow(id)
}

/** A customer wrote in the open conversation while the tab was hidden: read it when it is shown. */
let unreadWhileHidden = null

function onEvent(event) {
  if (event.presence) return refreshPresence()
  // Others follow the same events (alerts.js: sound and notifications).
  window.dispatchEvent(new CustomEvent('inbox:live', { detail: event }))
  const { conversationId, messageId, noteId, inbound } = event
  // A note changes neither the row nor the header: only the thread.
  if (noteId) return refreshItem(conversationId, 'notes', noteId)
  const open = openConversation() === conversationId
  if (inbound && open && shown()) readOpen(conversationId)
  else refreshRow(conversationId)
  if (inbound && open && !shown()) unreadWhileHidden = conversationId
  // A customer's message opens the 24-hour window again (or moves its end).
  if (inbound && open) refreshComposer(conversationId)
  if (messageId) refreshItem(conversationId, 'messages', messageId)
  else refreshHeader(conversationId)
}

/** Everything the page shows, asked for again and merged (events were missed). */
function catchUp() {
  if (!live()) return
  syncList()
  const id = openConversation()
  if (!id) return
  syncThread(id)
  refreshHeader(id)
  refreshComposer(id)
  if (shown()) readOpen(id)
}

// The agent's own sends (text, template, note): HTMX brings the message or note, placed like a live one.
document.addEventListener('htmx:afterRequest', (event) => {
  const { elt, successful, xhr } = event.detail
  if (successful && elt.matches?.('[data-thread-append]')) placeMessages(xhr.responseText, { scroll: true })
})

// The countdown reached zero: the template picker, from the server (which decides the window).
document.addEventListener('inbox-window-ended', () => {
  const id = openConversation()
  if (id) refreshComposer(id)
})

/** Hidden longer than this, a tab catches up when shown (a sleeping laptop may not have said the connection dropped). */
const CATCH_UP_AFTER_HIDDEN_MS = 60_000
let hiddenAt = null
document.addEventListener('visibilitychange', () => {
  if (!shown()) return void (hiddenAt = Date.now())
  const away = hiddenAt === null ? 0 : Date.now() - hiddenAt
  hiddenAt = null
  if (away > CATCH_UP_AFTER_HIDDEN_MS) return catchUp()
  const id = openConversation()
  if (id && unreadWhileHidden === id) readOpen(id)
  unreadWhileHidden = null
})

let channel = null
let stop = null

// The connection dropped: once the channel is subscribed again (transmit does it on reconnecting), catch up.
let dropped = false
window.liveTransmit().on('disconnected', () => (dropped = true))
window.addEventListener('live:subscribed', (event) => {
  if (!dropped || event.detail.channel !== channel) return
  dropped = false
  catchUp()
})

/** Listens to the channel the page names (none outside the inbox); the title shows the unread count. */
async function follow() {
  const root = live()
  const wanted = root?.dataset.inboxLive ?? null
  // The inbox page says it; beside a conversation, the list's answer does (X-Inbox-Unread, below).
  if (root?.dataset.unreadConversations !== undefined) window.setTitleCount(Number(root.dataset.unreadConversations) || 0)
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

/* ------------------------------------------------ beside an open conversation */

// Any list HTMX loads (the rows beside a conversation, a filter change) brings the unread count for the title.
document.addEventListener('htmx:afterRequest', (event) => {
  const unread = event.detail.xhr?.getResponseHeader('X-Inbox-Unread')
  if (unread != null) window.setTitleCount(Number(unread))
})

// Another row clicked beside an open conversation: only the conversation pane is swapped (the URL
// follows as for any boosted link), so the list keeps its scroll, its loaded pages and live rows.
document.addEventListener('htmx:beforeSwap', (event) => {
  const pane = document.getElementById('conversation-pane')
  const link = event.detail.requestConfig?.elt
  // Only rows have data-conversation-link (one a live update replaced meanwhile is no longer in the list).
  if (!pane || !link?.matches?.('a[data-conversation-link]')) return
  event.detail.target = pane
  event.detail.selectOverride = '#conversation-pane'
  event.detail.swapOverride = 'outerHTML'
})

/** The open conversation's row is the highlighted one (j / k start from it: partials/keys.edge). */
function markOpenRow() {
  for (const row of document.querySelectorAll('#conversation-list [data-row]')) markRow(row)
}

document.addEventListener('htmx:afterSettle', () => {
  markOpenRow()
  void follow()
})
void follow()
