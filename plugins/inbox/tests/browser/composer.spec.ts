/// <reference lib="dom" />
import { test } from '@japa/runner'
import type { Dialog, Page } from 'playwright-core'
import { truncateTables } from '#tests/helpers/database'
import { addMember } from '#database/factories/index'
import Message from '#messaging/models/message'
import QuickReply from '#inbox/models/quick_reply'
import { conversationIn, inboxWorkspace } from '#inbox/tests/support'

/*
| The composer's extras in a real Chromium against the real server: quick replies on "/", the
| emoji picker. Data is committed (the browser talks to the server), so tables are truncated.
| SCREENSHOTS=<dir> keeps a picture of each screen (360 px, dark) for a person to look at.
*/
test.group('Browser: the composer', (group) => {
  group.each.teardown(() => truncateTables())

  /** An agent on a conversation with Jürgen Klopp, with two quick replies in the workspace. */
  async function onConversation({ browserContext }: { browserContext: any }, theme: 'light' | 'dark' = 'light') {
    const { workspace, user, channel, base } = await inboxWorkspace('agent')
    await user.merge({ fullName: 'Ada Agent', theme }).save()
    const { conversation } = await conversationIn(channel, { name: 'Jürgen Klopp', texts: ['Wo ist mein Paket?'] })
    await QuickReply.createMany([
      { workspaceId: workspace.id, shortcut: 'greet', body: 'Hi {{contact.first_name}}, {{agent.name}} here.' },
      { workspaceId: workspace.id, shortcut: 'tracking', body: 'Your parcel is on its way: {{tracking.url}}' },
    ])
    await browserContext.loginAs(user)
    const page = await browserContext.newPage()
    await page.goto(`${base}/conversations/${conversation.id}`)
    return { page, workspace, conversation }
  }

  const shot = async (page: any, name: string) => {
    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/${name}.png` })
  }

  test('"/" opens the quick replies: typing filters, keys or the mouse pick one, filled for the customer; Esc closes', async (context) => {
    const { assert } = context
    const { page } = await onConversation(context)
    const box = page.locator('#reply-body')
    const options = page.locator('[data-testid="quick-reply-option"]')

    await box.pressSequentially('Hallo /')
    await options.first().waitFor()
    assert.deepEqual(await options.locator('.font-mono').allTextContents(), ['/greet', '/tracking'])
    await box.pressSequentially('tr')
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="quick-reply-option"]').length === 1)
    await box.press('Escape')
    assert.isTrue(await page.locator('#quick-reply-options').isHidden())

    // Back to "/" alone: both again; ↓ then Enter picks the second, in place of "/".
    await box.press('Backspace')
    await box.press('Backspace')
    await box.press('Backspace')
    await box.pressSequentially('/')
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="quick-reply-option"]').length === 2)
    await box.press('ArrowDown')
    assert.equal(await options.nth(1).getAttribute('aria-selected'), 'true')
    await box.press('Enter')
    assert.equal(await box.inputValue(), 'Hallo Your parcel is on its way: {{tracking.url}}')
    assert.isTrue(await page.locator('#quick-reply-options').isHidden())

    // "/" inside a word is no shortcut; after a space it is. The mouse picks too.
    await box.fill('')
    await box.pressSequentially('a/b ')
    await page.waitForTimeout(300)
    assert.isTrue(await page.locator('#quick-reply-options').isHidden())
    await box.pressSequentially('/gr')
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="quick-reply-option"]').length === 1)
    await shot(page, 'composer-quick-replies')
    await options.filter({ hasText: '/greet' }).click()
    assert.equal(await box.inputValue(), 'a/b Hi Jürgen, Ada Agent here.')
    // Enter sends again once the popup is closed.
    await box.press('Enter')
    await page.locator('#thread-messages [data-message]').filter({ hasText: 'Hi Jürgen, Ada Agent here.' }).waitFor()
  })

  test('the emoji button puts the chosen emoji at the caret; at 360 px in the dark theme too', async (context) => {
    const { assert } = context
    const { page } = await onConversation(context, 'dark')
    await page.setViewportSize({ width: 360, height: 740 })
    const box = page.locator('#reply-body')
    await box.fill('Danke !')
    await box.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(6, 6))

    await page.locator('[data-testid="emoji-open"]').click()
    const picker = page.locator('emoji-picker')
    await picker.locator('button[role="menuitem"]').first().waitFor()
    assert.isTrue(await picker.evaluate((el: Element) => el.classList.contains('dark')))
    const within = await page.locator('[data-testid="emoji-panel"]').boundingBox()
    assert.isAtLeast(within!.x, 0)
    assert.isAtMost(within!.x + within!.width, 360)
    await shot(page, 'composer-emoji-360-dark')

    await picker.locator('input[type="search"]').fill('thumbs up')
    await picker.locator('#search-results button[aria-label*=", thumbs up,"]').click()
    // The data's thumbs up carries its emoji presentation selector (U+FE0F).
    await page.waitForFunction(() => (document.getElementById('reply-body') as HTMLTextAreaElement).value === 'Danke 👍\uFE0F!')
    assert.isTrue(await page.locator('[data-testid="emoji-panel"]').isHidden())
  })

  test('a file by the button: its caption, the upload’s progress, the image in the thread; a dropped file too; one too large is refused before uploading', async (context) => {
    const { assert } = context
    const { page, conversation } = await onConversation(context, 'dark')
    // 3 MB: enough for the upload to report its progress.
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'), Buffer.alloc(3 * 1024 * 1024)])
    await page.setInputFiles('#attach-file', { name: 'receipt.png', mimeType: 'image/png', buffer: png })
    await page.locator('[data-testid="attach-name"]').filter({ hasText: 'receipt.png' }).waitFor()
    await page.evaluate(() => {
      const seen: number[] = ((window as any).progressSeen = [])
      new MutationObserver(() => seen.push(Number(document.querySelector('[data-testid="attach-progress"]')!.getAttribute('aria-valuenow'))))
        .observe(document.querySelector('[data-testid="attach-progress"]')!, { attributes: true, attributeFilter: ['aria-valuenow'] })
    })
    await page.locator('[data-testid="attach-caption"]').fill('Your receipt')
    await shot(page, 'composer-attachment-dark')
    await page.locator('[data-testid="attach-caption"]').press('Enter')

    await page.locator('#thread-messages [data-message][data-type="image"]').filter({ hasText: 'Your receipt' }).waitFor()
    await page.locator('[data-testid="attach-panel"]').waitFor({ state: 'hidden' })
    const seen: number[] = await page.evaluate(() => (window as any).progressSeen)
    assert.include(seen, 100, 'the bar reached 100 %')
    const image = await Message.query().where('conversation_id', conversation.id).where('type', 'image').firstOrFail()
    assert.equal(image.content.caption, 'Your receipt')

    // Dropped on the page: the same panel, for that file.
    const drop = (name: string, type: string, size: number) =>
      page.evaluate(
        ({ name, type, size }: { name: string; type: string; size: number }) => {
          const transfer = new DataTransfer()
          transfer.items.add(new File([new Uint8Array(size)], name, { type }))
          const thread = document.getElementById('thread')!
          thread.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }))
          thread.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }))
        },
        { name, type, size }
      )
    await drop('terms.pdf', 'application/pdf', 2048)
    await page.locator('[data-testid="attach-name"]').filter({ hasText: 'terms.pdf' }).waitFor()
    await page.locator('[data-testid="attach-send"]').click()
    await page.locator('#thread-messages [data-message][data-type="document"]').filter({ hasText: 'terms.pdf' }).waitFor()

    await drop('huge.png', 'image/png', 6 * 1024 * 1024)
    await page.locator('[data-testid="attach-error"]').filter({ hasText: 'at most 5 MB' }).waitFor()
    assert.isTrue(await page.locator('[data-testid="attach-panel"]').isHidden())
    assert.equal(await Message.query().where('conversation_id', conversation.id).where('direction', 'outbound').count('* as n').then((rows) => Number(rows[0].$extras.n)), 2)
  })

  test('reacting to a customer’s message: a quick emoji, then any from the picker; shown on the message', async (context) => {
    const { assert } = context
    const { page, conversation } = await onConversation(context, 'dark')
    await page.setViewportSize({ width: 360, height: 740 })
    const inbound = await Message.query().where('conversation_id', conversation.id).firstOrFail()
    const bubble = page.locator(`#message-${inbound.id}`)
    await bubble.hover()
    await bubble.locator('[data-testid="react-open"]').click()
    await shot(page, 'composer-react-360-dark')
    const popover = await bubble.locator('[role="group"]').boundingBox()
    assert.isAtLeast(popover!.x, 0, 'the emoji fit on a phone')
    await bubble.locator('[data-testid="react-emoji"]', { hasText: '👍' }).click()
    await page.locator(`#message-${inbound.id} [data-reactions]`).filter({ hasText: '👍' }).waitFor()

    await page.locator(`#message-${inbound.id}`).hover()
    await page.locator(`#message-${inbound.id} [data-testid="react-open"]`).click()
    await page.locator(`#message-${inbound.id} [data-testid="react-more"]`).click()
    const picker = page.locator('emoji-picker')
    await picker.locator('input[type="search"]').fill('party popper')
    await picker.locator('#search-results button[aria-label*="party popper"]').click()
    await page.locator(`#message-${inbound.id} [data-reactions]`).filter({ hasText: '🎉' }).waitFor()
    const reactions = await Message.query().where('conversation_id', conversation.id).where('type', 'reaction').orderBy('id')
    assert.deepEqual(reactions.map((reaction) => reaction.content.emoji), ['👍', '🎉'])
  })

  test('notes: the author edits one in place and deletes it (after a confirmation); a colleague’s open thread follows live; "r" goes back to Reply', async (context) => {
    const { assert, browser, cleanup } = context
    const { page: a, workspace, conversation } = await onConversation(context, 'dark')
    const colleague = await addMember(workspace, 'agent')
    const other = await browser.newContext({ baseURL: `http://${process.env.HOST}:${process.env.PORT}` })
    cleanup(() => other.close())
    await other.loginAs(colleague)
    const b: Page = await other.newPage()
    const listening = b.waitForResponse((response) => response.url().includes('/__transmit/subscribe') && (response.request().postData() ?? '').includes('/inbox/live'))
    await b.goto(`/w/${workspace.slug}/inbox/conversations/${conversation.id}`)
    await listening

    await a.locator('[data-testid="mode-note"]').click()
    await a.locator('#note-body').fill('Customer called, parcel lost')
    await a.locator('#note-body').press('Enter')
    const noteOn = (page: Page) => page.locator('#thread-messages [data-testid="note"]')
    await noteOn(b).filter({ hasText: 'parcel lost' }).waitFor({ timeout: 3000 })
    assert.equal(await noteOn(b).locator('[data-testid="note-edit"]').count(), 0, 'not the colleague’s to change')

    await noteOn(a).hover()
    await noteOn(a).locator('[data-testid="note-edit"]').click()
    const editing = a.locator('[data-testid="note-edit-body"]')
    await editing.waitFor()
    await shot(a, 'composer-note-edit-dark')
    await editing.fill('Customer called, parcel found')
    await editing.press('Enter')
    await noteOn(a).filter({ hasText: 'parcel found' }).locator('[data-testid="note-edited"]').waitFor()
    await noteOn(b).filter({ hasText: 'parcel found' }).locator('[data-testid="note-edited"]').waitFor({ timeout: 3000 })

    // Esc gives up an edit unchanged (once the form's keys are wired: Alpine focuses the box when it has set it up).
    await noteOn(a).hover()
    await noteOn(a).locator('[data-testid="note-edit"]').click()
    await a.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'note-edit-body')
    await editing.fill('never saved')
    await editing.press('Escape')
    await noteOn(a).filter({ hasText: 'parcel found' }).waitFor()

    a.once('dialog', (dialog: Dialog) => void dialog.accept())
    await noteOn(a).hover()
    await noteOn(a).locator('[data-testid="note-delete"]').click()
    await noteOn(a).waitFor({ state: 'detached' })
    await noteOn(b).waitFor({ state: 'detached', timeout: 3000 })

    // The composer is on Note: "r" (outside a field) brings Reply back, focused.
    await a.locator('body').click({ position: { x: 5, y: 5 } })
    await a.keyboard.press('r')
    await a.waitForFunction(() => document.activeElement?.id === 'reply-body')
    assert.isTrue(await a.locator('#note-body').isHidden())
  })

  test('settings: an admin adds a quick reply, finds it as they type, and deletes it; at 360 px in the dark theme', async (context) => {
    const { assert, browserContext } = context
    const { workspace, base } = await inboxWorkspace()
    const admin = await addMember(workspace, 'admin')
    await admin.merge({ theme: 'dark' }).save()
    await QuickReply.create({ workspaceId: workspace.id, shortcut: 'hours', body: 'We are open 9–17.' })
    await browserContext.loginAs(admin)
    const page: Page = await browserContext.newPage()
    await page.setViewportSize({ width: 360, height: 740 })
    await page.goto(`${base}/quick-replies`)

    await page.locator('[data-testid="quick-reply-new"]').click()
    await page.waitForURL(/\/quick-replies\/new$/)
    await page.getByLabel('Shortcut', { exact: true }).fill('refund')
    await page.getByLabel('Text', { exact: true }).fill('Hi {{contact.first_name}}, your refund is on its way.')
    await shot(page, 'quick-reply-form-360-dark')
    await page.locator('[data-testid="quick-reply-save"]').click()
    await page.locator('[data-quick-reply="refund"]').waitFor()
    await shot(page, 'quick-replies-360-dark')
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.isAtMost(width, 360, 'no sideways scrolling')

    await page.locator('[data-testid="quick-reply-search"]').fill('open 9')
    await page.locator('[data-quick-reply="refund"]').waitFor({ state: 'detached' })
    assert.equal(await page.locator('[data-quick-reply]').count(), 1)
    await page.locator('[data-testid="quick-reply-search"]').fill('')
    await page.locator('[data-quick-reply="refund"]').waitFor()

    await page.locator('[data-quick-reply="refund"] [data-testid="quick-reply-delete"]').click()
    await page.locator('[data-testid="quick-reply-delete-confirm"]:visible').click()
    await page.locator('[data-quick-reply="refund"]').waitFor({ state: 'detached' })
    assert.deepEqual((await QuickReply.query().where('workspace_id', workspace.id)).map((reply) => reply.shortcut), ['hours'])
  })
})
