/*
 * Collision warnings (services/viewers.ts). While a conversation is open and this tab is shown,
 * the page says so every few seconds, and while the agent types in the composer at most every
 * 2 s; it shows who else views or types, from each answer and live from the conversation's
 * channel. Leaving (another conversation, another page, a closed tab) says so at once; a tab
 * that cannot say so lapses on the server within seconds.
 */
const PING_MS = 4000
const TYPING_EVERY_MS = 2000

/** { id, url, channel, stop, timer, typedAt } of the conversation this tab shows, or null. */
let current = null

async function say(conversation, body = {}, keepalive = false) {
  try {
    const response = await fetch(conversation.url, {
      method: 'POST',
      keepalive,
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-TOKEN': window.csrfToken() },
      body: JSON.stringify(body),
    })
    if (response.ok && current === conversation && !body.left) show((await response.json()).viewers)
  } catch {
    // Offline for a moment: the next ping tries again.
  }
}

/** The others viewing: "Anna is viewing" / "Anna is typing…". */
function show(viewers) {
  const box = document.getElementById('conversation-viewers')
  if (!box) return
  const me = Number(box.dataset.userId)
  const others = viewers.filter((viewer) => viewer.id !== me)
  box.replaceChildren(
    ...others.map((viewer) => {
      const item = document.createElement('li')
      item.dataset.viewer = viewer.id
      item.dataset.typing = viewer.typing ? 'true' : 'false'
      item.textContent = (viewer.typing ? box.dataset.typingText : box.dataset.viewingText).replace('__NAME__', viewer.name)
      return item
    })
  )
  box.hidden = others.length === 0
}

function leave() {
  if (!current) return
  const left = current
  current = null
  clearInterval(left.timer)
  left.stop?.()
  void window.liveTransmit().subscription(left.channel).delete()
  void say(left, { left: true }, true)
}

async function follow() {
  const box = document.getElementById('conversation-viewers')
  const url = box?.dataset.viewersUrl ?? null
  if (current?.url === url) return
  leave()
  if (!box) return
  const conversation = (current = { url, channel: box.dataset.channel, timer: null, stop: null, typedAt: 0 })
  const subscription = window.liveTransmit().subscription(conversation.channel)
  conversation.stop = subscription.onMessage(({ viewers }) => current === conversation && show(viewers))
  await subscription.create()
  conversation.timer = setInterval(() => !document.hidden && say(conversation), PING_MS)
  if (!document.hidden) void say(conversation)
}

document.addEventListener('input', (event) => {
  if (!current || !event.target.closest?.('[data-testid="composer"]')) return
  const now = Date.now()
  if (now - current.typedAt < TYPING_EVERY_MS) return
  current.typedAt = now
  void say(current, { typing: true })
})
document.addEventListener('visibilitychange', () => current && (document.hidden ? say(current, { left: true }, true) : say(current)))
window.addEventListener('pagehide', leave)
document.addEventListener('htmx:afterSettle', () => void follow())
void follow()
