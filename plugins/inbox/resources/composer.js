/*
 * The composer's extras: quick replies on "/" in the reply box, and the emoji picker (for the
 * reply box, and for reacting to a message). Listeners sit on the document, so they serve
 * whichever conversation boosted navigation swaps in; the module runs once per tab, like live.js.
 * The picker (emoji-picker-element and its data) is imported on first use only: opening the
 * inbox does not pay for it.
 */

/* ----------------------------------------------------------- quick replies */

const replyBox = () => document.getElementById('reply-body')
const quickPopup = () => document.getElementById('quick-reply-options')

/** The popup's state: what follows "/" (null: closed), where the "/" is, the matches, the chosen one. */
const quick = { query: null, from: 0, items: [], active: 0, asked: 0, timer: null }

function closeQuick() {
  quick.query = null
  quick.items = []
  clearTimeout(quick.timer)
  const popup = quickPopup()
  if (popup) popup.hidden = true
  replyBox()?.setAttribute('aria-expanded', 'false')
}

function renderQuick() {
  const popup = quickPopup()
  if (!popup || quick.query === null) return
  const options = quick.items.map((item, index) => {
    const option = document.createElement('li')
    option.setAttribute('role', 'option')
    option.id = `quick-reply-${item.id}`
    option.dataset.testid = 'quick-reply-option'
    option.className = 'cursor-pointer rounded px-2 py-1'
    const shortcut = document.createElement('span')
    shortcut.className = 'font-mono font-medium'
    shortcut.textContent = `/${item.shortcut}`
    const text = document.createElement('span')
    text.className = 'muted block truncate text-xs'
    text.textContent = item.text
    option.append(shortcut, text)
    option.addEventListener('mousedown', (event) => {
      event.preventDefault()
      pickQuick(index)
    })
    option.addEventListener('mouseenter', () => highlightQuick(index))
    return option
  })
  if (!options.length) {
    const none = document.createElement('li')
    none.className = 'muted px-2 py-1 text-xs'
    none.textContent = popup.dataset.none
    options.push(none)
  }
  popup.replaceChildren(...options)
  popup.hidden = false
  replyBox()?.setAttribute('aria-expanded', 'true')
  highlightQuick(quick.active)
}

/** Marks the chosen option in place (re-rendering would swap the node under the mouse). */
function highlightQuick(index) {
  quick.active = index
  const options = quickPopup()?.querySelectorAll('[role="option"]') ?? []
  options.forEach((option, at) => {
    option.setAttribute('aria-selected', String(at === index))
    option.classList.toggle('bg-brand/15', at === index)
  })
  if (!options[index]) return
  options[index].scrollIntoView({ block: 'nearest' })
  replyBox()?.setAttribute('aria-activedescendant', options[index].id)
}

/** The matches for what follows "/" (the server fills each reply's variables for this conversation). */
function searchQuick(query) {
  clearTimeout(quick.timer)
  quick.timer = setTimeout(async () => {
    const asked = ++quick.asked
    const popup = quickPopup()
    if (!popup) return
    const response = await fetch(`${popup.dataset.url}?${new URLSearchParams({ q: query })}`, { headers: { Accept: 'application/json' } })
    // Only the latest question's answer counts, and only while the popup is still wanted.
    if (!response.ok || asked !== quick.asked || quick.query !== query) return
    quick.items = (await response.json()).data
    quick.active = 0
    renderQuick()
  }, 120)
}

/** "/" at the start of the box or after white space, up to the caret, opens the popup. */
function seekQuick(box) {
  const found = box.value.slice(0, box.selectionStart).match(/(?:^|\s)\/([\w-]{0,32})$/)
  if (!found) return closeQuick()
  quick.from = box.selectionStart - found[1].length - 1
  if (found[1] === quick.query) return
  quick.query = found[1]
  searchQuick(found[1])
}

function pickQuick(index) {
  const box = replyBox()
  const item = quick.items[index]
  if (!box || !item) return
  box.setRangeText(item.text, quick.from, box.selectionStart, 'end')
  closeQuick()
  box.focus()
}

document.addEventListener('input', (event) => {
  if (event.target === replyBox()) seekQuick(event.target)
})
document.addEventListener('click', (event) => {
  if (event.target === replyBox()) seekQuick(event.target)
})
document.addEventListener('focusout', (event) => {
  if (event.target === replyBox()) closeQuick()
})
// Boosted navigation takes the box away: a new page starts closed.
document.addEventListener('htmx:beforeHistorySave', closeQuick)

// Capturing, before the box's own Enter-sends handler: while the popup is open its keys are the popup's.
document.addEventListener(
  'keydown',
  (event) => {
    if (event.target !== replyBox() || quick.query === null || event.isComposing) return
    const count = quick.items.length
    if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && count) {
      highlightQuick((quick.active + (event.key === 'ArrowDown' ? 1 : count - 1)) % count)
    } else if ((event.key === 'Enter' || event.key === 'Tab') && count) pickQuick(quick.active)
    else if (event.key === 'Escape') closeQuick()
    else return
    event.preventDefault()
    event.stopPropagation()
  },
  true
)

/* ------------------------------------------------------------ emoji picker */

let picker = null
let onPick = null
let opener = null

/** The picker, built on first use: the element, its data (served by us, not a CDN), the reader's language. */
async function emojiPicker() {
  if (picker) return picker
  const [{ Picker }, { default: dataSource }] = await Promise.all([
    import('emoji-picker-element'),
    import('emoji-picker-element-data/en/emojibase/data.json?url'),
  ])
  const panel = document.createElement('div')
  panel.className = 'fixed z-50 hidden shadow-lg'
  panel.dataset.testid = 'emoji-panel'
  const element = new Picker({ dataSource, locale: 'en' })
  element.style.width = 'min(22rem, calc(100vw - 1rem))'
  element.style.height = '20rem'
  element.addEventListener('emoji-click', (event) => {
    const pick = onPick
    closePicker()
    pick?.(event.detail.unicode)
  })
  panel.append(element)
  document.body.append(panel)
  picker = { panel, element }
  return picker
}

function closePicker() {
  picker?.panel.classList.add('hidden')
  onPick = null
  opener?.setAttribute('aria-expanded', 'false')
  opener = null
}

/** Opens the picker beside `button` (above it when there is room); `pick` gets the chosen emoji. */
async function openPicker(button, pick) {
  const { panel, element } = await emojiPicker()
  // Follows the page's theme, which the user may switch at any time.
  element.classList.toggle('dark', document.documentElement.classList.contains('dark'))
  element.classList.toggle('light', !document.documentElement.classList.contains('dark'))
  panel.classList.remove('hidden')
  const rect = button.getBoundingClientRect()
  const width = panel.offsetWidth
  const height = panel.offsetHeight
  panel.style.left = `${Math.max(8, Math.min(rect.left, window.innerWidth - width - 8))}px`
  panel.style.top = `${rect.top > height + 8 ? rect.top - height - 4 : Math.min(rect.bottom + 4, window.innerHeight - height - 8)}px`
  onPick = pick
  opener = button
  button.setAttribute('aria-expanded', 'true')
  element.shadowRoot?.querySelector('input')?.focus()
}

/** Puts `text` at the caret of `box` (or in place of its selection), as if typed. */
function insertAtCaret(box, text) {
  box.focus()
  box.setRangeText(text, box.selectionStart, box.selectionEnd, 'end')
  box.dispatchEvent(new Event('input', { bubbles: true }))
}

document.addEventListener('click', (event) => {
  const button = event.target.closest?.('[data-emoji-for], [data-react-more]')
  if (!button) {
    if (picker && !picker.panel.contains(event.target)) closePicker()
    return
  }
  event.preventDefault()
  if (opener === button) return closePicker()
  if (button.dataset.emojiFor) {
    void openPicker(button, (emoji) => {
      const box = document.getElementById(button.dataset.emojiFor)
      if (box) insertAtCaret(box, emoji)
    })
  } else {
    // A reaction with any emoji: the same request as the quick choices beside this button.
    void openPicker(button, (emoji) => window.htmx.ajax('POST', button.dataset.reactMore, { source: button, values: { emoji }, swap: 'none' }))
  }
})
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && opener) {
    const button = opener
    closePicker()
    button.focus()
  }
})
document.addEventListener('htmx:beforeHistorySave', closePicker)
