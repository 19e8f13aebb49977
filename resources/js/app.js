/*
 * The admin's browser side: HTMX for server-rendered partials, Alpine for small
 * interactions, transmit (SSE) for live updates. No framework, no client routing.
 */
import htmx from 'htmx.org'
import Alpine from 'alpinejs'
import { Transmit } from '@adonisjs/transmit-client'

window.htmx = htmx

// The CSRF token from the XSRF-TOKEN cookie ('' without one; #middleware/csrf_cookie_middleware):
// every HTMX request carries it as X-CSRF-TOKEN, and so do pages' own fetches (window.csrfToken).
window.csrfToken = () => decodeURIComponent(document.cookie.match(/(?:^|; )XSRF-TOKEN=([^;]+)/)?.[1] ?? '')
document.addEventListener('htmx:configRequest', (event) => {
  const token = window.csrfToken()
  if (token) event.detail.headers['X-CSRF-TOKEN'] = token
})

// 422 from an HTMX form: show each field's message beside the field; a refusal that names no
// field (e.g. "outside the 24-hour window") goes to the form's [data-error-for="form"], or a toast.
document.addEventListener('htmx:responseError', (event) => {
  const { xhr, elt } = event.detail
  if (xhr.status !== 422) {
    window.dispatchEvent(new CustomEvent('toast', { detail: { type: 'error', message: xhr.status === 403 ? 'You may not do that.' : 'Something went wrong.' } }))
    return
  }
  const form = elt.closest('form') ?? elt
  form.querySelectorAll('[data-error-for]').forEach((node) => (node.textContent = ''))
  form.querySelectorAll('[aria-invalid]').forEach((node) => node.removeAttribute('aria-invalid'))
  for (const error of JSON.parse(xhr.responseText).errors ?? []) {
    const slot = form.querySelector(`[data-error-for="${error.field ?? 'form'}"]`)
    if (slot) slot.textContent = error.message
    else if (!error.field) window.dispatchEvent(new CustomEvent('toast', { detail: { type: 'error', message: error.message } }))
    // A list's field is "body.0" in the error and "body[0]" in the form.
    if (error.field) form.querySelector(`[name="${error.field.replace(/\.(\d+)/g, '[$1]')}"]`)?.setAttribute('aria-invalid', 'true')
  }
})

function applyTheme(theme) {
  const dark = theme === 'dark' || (theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches)
  document.documentElement.classList.toggle('dark', dark)
  document.documentElement.dataset.theme = theme
}

Alpine.data('themeSwitcher', (initial) => ({
  theme: initial,
  set(theme) {
    this.theme = theme
    applyTheme(theme)
    htmx.ajax('PUT', '/settings/theme', { values: { theme }, swap: 'none' })
  },
}))

Alpine.data('toasts', (initial = []) => ({
  items: [],
  init() {
    initial.forEach((toast) => this.push(toast))
    window.addEventListener('toast', (event) => this.push(event.detail))
  },
  push(toast) {
    const id = Math.random()
    this.items.push({ id, ...toast })
    setTimeout(() => this.dismiss(id), 5000)
  },
  dismiss(id) {
    this.items = this.items.filter((item) => item.id !== id)
  },
}))

// One SSE connection per tab, shared by the bell and by plugins' pages, opened on first use
// (pages that listen to nothing, like the login page, open none). It never gives up: the browser
// reconnects a dropped stream by itself (transmit would close it for good after 5 failed
// attempts, e.g. a laptop asleep or a server restarting); a stream refused outright (a proxy's
// 502 during a deploy) is opened again. Each channel subscribed, again after a reconnection,
// says so (`live:subscribed`): pages then catch up on what they missed (inbox: live.js).
class LastingEventSource extends EventTarget {
  constructor(url, init) {
    super()
    this.open = () => {
      const source = (this.source = new EventSource(url, init))
      source.onopen = () => this.dispatchEvent(new Event('open'))
      source.onmessage = (event) => this.dispatchEvent(new MessageEvent('message', { data: event.data }))
      source.onerror = () => {
        this.dispatchEvent(new Event('error'))
        if (source.readyState === EventSource.CLOSED && !this.closed) setTimeout(() => !this.closed && this.open(), 5000)
      }
    }
    this.open()
  }
  close() {
    this.closed = true
    this.source.close()
  }
}

let transmit = null
window.liveTransmit = () =>
  (transmit ??= new Transmit({
    baseUrl: window.location.origin,
    // crypto.randomUUID exists only in secure contexts; a self-hosted admin may be plain http.
    uidGenerator: () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(''),
    maxReconnectAttempts: 0,
    eventSourceFactory: (url, init) => new LastingEventSource(url, init),
    onSubscription: (channel) => window.dispatchEvent(new CustomEvent('live:subscribed', { detail: { channel } })),
  }))

// A count in front of the tab's title, "(3) Inbox · Switchboard"; 0 takes it away.
window.setTitleCount = (count) => {
  const title = document.title.replace(/^\(\d+\)\s*/, '')
  document.title = count > 0 ? `(${count}) ${title}` : title
}

// The bell: unread count kept live over SSE on the user's own channel.
Alpine.data('notificationBell', (userId, unread) => ({
  unread,
  async init() {
    const subscription = window.liveTransmit().subscription(`users/${userId}`)
    await subscription.create()
    // The shell is swapped on every boosted page: its handler goes with it (destroy), not twice.
    this.stop = subscription.onMessage((message) => {
      if (message.type !== 'notification') return
      this.unread += 1
      window.dispatchEvent(new CustomEvent('toast', { detail: { type: 'info', message: message.title } }))
      window.setTitleCount(this.unread)
    })
  },
  destroy() {
    this.stop?.()
  },
}))

// Keyboard shortcuts: "?" opens the sheet; "g d" goes to the dashboard.
Alpine.data('shortcuts', () => ({
  open: false,
  last: null,
  onKey(event) {
    if (event.target.closest('input, textarea, select, [contenteditable]')) return
    if (event.key === '?') this.open = !this.open
    else if (event.key === 'Escape') this.open = false
    else if (this.last === 'g' && event.key === 'd') document.querySelector('[data-shortcut="dashboard"]')?.click()
    this.last = event.key
  },
}))

applyTheme(document.documentElement.dataset.theme || 'system')
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () =>
  applyTheme(document.documentElement.dataset.theme)
)

window.Alpine = Alpine
Alpine.start()
