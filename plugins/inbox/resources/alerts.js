/*
 * Alerts for a customer's new message (live.js re-dispatches every live event as `inbox:live`;
 * services/live.ts marks the customer's messages `inbound`): a sound when the user menu's
 * toggle is on (data-inbox-sound), and a browser notification while this tab is hidden — for
 * conversations assigned to this agent or to nobody, which the server decides per message.
 * The browser's permission is asked only from the banner's button, never on load.
 */
let audio = null

/** Two short soft tones, made on the spot (no file to load). */
function ring() {
  audio ??= new AudioContext()
  void audio.resume()
  const start = audio.currentTime
  ;[880, 1320].forEach((frequency, index) => {
    const at = start + index * 0.12
    const tone = audio.createOscillator()
    const volume = audio.createGain()
    tone.frequency.value = frequency
    volume.gain.setValueAtTime(0.0001, at)
    volume.gain.exponentialRampToValueAtTime(0.15, at + 0.01)
    volume.gain.exponentialRampToValueAtTime(0.0001, at + 0.3)
    tone.connect(volume).connect(audio.destination)
    tone.start(at)
    tone.stop(at + 0.32)
  })
}

const canNotify = () => 'Notification' in window && Notification.permission === 'granted'

window.addEventListener('inbox:live', async ({ detail }) => {
  if (!detail.inbound || !detail.messageId) return
  const sound = document.querySelector('[data-inbox-sound]')?.dataset.inboxSound === 'on'
  const notify = document.hidden && canNotify()
  const base = document.querySelector('[data-inbox-base]')?.dataset.inboxBase
  if ((!sound && !notify) || !base) return
  const response = await fetch(`${base}/conversations/${detail.conversationId}/messages/${detail.messageId}/alert`, { headers: { Accept: 'application/json' } })
  if (!response.ok) return
  const alert = await response.json()
  if (!alert.alert) return
  if (sound) ring()
  if (notify) {
    // One notification per message, however many tabs hear it.
    const notification = new Notification(alert.title, { body: alert.body, tag: `inbox-message-${detail.messageId}` })
    notification.onclick = () => {
      window.focus()
      window.location.href = alert.url
    }
  }
})

/* The polite prompt: a banner in the list, shown while the browser has not been asked, until dismissed. */
const DISMISSED = 'inbox.notifications.dismissed'

function banner() {
  const box = document.querySelector('[data-notify-banner]')
  if (!box) return
  box.hidden = !('Notification' in window) || Notification.permission !== 'default' || localStorage.getItem(DISMISSED) === '1'
}

document.addEventListener('click', async (event) => {
  const button = event.target.closest?.('[data-notify-action]')
  if (!button) return
  if (button.dataset.notifyAction === 'enable') await Notification.requestPermission()
  else localStorage.setItem(DISMISSED, '1')
  banner()
})
document.addEventListener('htmx:afterSettle', banner)
banner()
