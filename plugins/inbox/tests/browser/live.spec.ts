/// <reference lib="dom" />
import { test } from '@japa/runner'
import Channel from '#messaging/models/channel'
import Conversation from '#messaging/models/conversation'
import { syncTemplates } from '#messaging/actions/sync_templates'
import Notification from '#notifications/notification'
import { jobsIdle, until, useSimulatorAndWorkers } from '#messaging/tests/support'
import { customerWrote } from '#inbox/tests/support'
import { neverReloaded, open, twoAgents } from '#inbox/tests/browser/agents'

/*
| Two agents side by side, each in their own browser context, on one inbox: real Chromium, the
| real server, real workers, the simulator's customer over loopback. Nothing reloads; every
| wait is for something on the page.
*/
test.group('Browser: the live inbox, two agents', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 31, workers: 2 })

  test('a customer’s new message appears at the top of both agents’ lists within 2 s, once, with its unread badge', async (context) => {
    const { assert, client, cleanup } = context
    // WhatsApp's times are in seconds: the messages are a few seconds apart, so that their order is plain.
    const now = Math.floor(Date.now() / 1000)
    const setup = await customerWrote(client, rig.simulator, 'Hallo!', 0.01)
    const { a, b, closeB } = await twoAgents(context, setup)
    cleanup(closeB)
    const inbox = `/w/${setup.workspace.slug}/inbox`
    await open(a, inbox)
    await open(b, inbox)

    // A new customer: a new conversation, on top.
    const started = Date.now()
    await rig.simulator.inject(setup.phoneNumberId, { from: '4917600000001', name: 'Neue Kundin', type: 'text', text: 'Ist mein Paket unterwegs?', timestamp: now - 10 })
    for (const page of [a, b]) await page.locator('[data-row]').first().filter({ hasText: 'Ist mein Paket unterwegs?' }).waitFor({ timeout: 2000 - (Date.now() - started) })
    const fresh = await Conversation.query().where('workspace_id', setup.workspace.id).whereNot('id', setup.conversation.id).firstOrFail()

    // The first customer writes again: their conversation moves back to the top, with 2 unread.
    await rig.simulator.inject(setup.phoneNumberId, { from: setup.from, name: 'Jürgen', type: 'text', text: 'Noch jemand da?', timestamp: now })
    for (const page of [a, b]) {
      const top = page.locator('[data-row]').first()
      await top.filter({ hasText: 'Noch jemand da?' }).locator('[data-unread="2"]').waitFor({ timeout: 2000 })
      assert.deepEqual(await page.locator('[data-row]').evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.row))), [setup.conversation.id, fresh.id])
      await page.waitForFunction(() => document.title.startsWith('(2) '))
      assert.isTrue(await neverReloaded(page))
    }
  })

  test('beside an open conversation the list loads on its own; another row swaps only the conversation, the URL and the marked row follow', async ({ assert, client, browserContext }) => {
    const setup = await customerWrote(client, rig.simulator, 'Erste Frage', 0.01)
    await rig.simulator.inject(setup.phoneNumberId, { from: '4917600000002', name: 'Zweite Kundin', type: 'text', text: 'Zweite Frage', timestamp: Math.floor(Date.now() / 1000) })
    const others = () => Conversation.query().where('workspace_id', setup.workspace.id).whereNot('id', setup.conversation.id)
    await until(async () => (await others()).length === 1, 'the second customer’s conversation')
    const [second] = await others()
    await browserContext.loginAs(setup.user)
    const page = await browserContext.newPage()
    await open(page, `/w/${setup.workspace.slug}/inbox/conversations/${setup.conversation.id}`)

    await page.locator(`[data-conversation="${setup.conversation.id}"][data-current="true"]`).waitFor()
    await page.evaluate(() => document.getElementById('conversation-list')!.setAttribute('data-kept', 'yes'))
    await page.locator(`[data-conversation="${second.id}"]`).click()
    await page.locator(`[data-conversation-id="${second.id}"]`).getByText('Zweite Frage').waitFor()
    assert.equal(await page.getAttribute('#conversation-list', 'data-kept'), 'yes', 'the list stayed as it was')
    assert.match(page.url(), new RegExp(`/conversations/${second.id}$`))
    assert.include(await page.title(), 'Zweite Kundin')
    // The marked row follows once the swap settled.
    await page.locator(`[data-conversation="${second.id}"][data-current="true"]`).waitFor({ timeout: 2000 })
    assert.equal(await page.getAttribute(`[data-conversation="${setup.conversation.id}"]`, 'data-current'), 'false')
    assert.isTrue(await neverReloaded(page))
  })

  test('agent A replies: the simulator gets it once, and the ticks advance on both agents’ pages', async (context) => {
    const { assert, client, cleanup } = context
    // Statuses a little apart, so that each tick is seen.
    const setup = await customerWrote(client, rig.simulator, 'Wo bleibt mein Paket?', 0, { statusBehaviour: { delivered: true, read: true, delayMs: 400 } })
    const { a, b, closeB } = await twoAgents(context, setup)
    cleanup(closeB)
    await open(a, setup.base)
    await open(b, setup.base)

    // What each agent sees of the reply's ticks, every change of them, as it happens.
    for (const page of [a, b]) {
      await page.evaluate(() => {
        const seen: string[] = ((window as any).ticksSeen = [])
        const thread = document.getElementById('thread-messages')!
        new MutationObserver(() => {
          const tick = (thread.querySelector('[data-message] [data-tick]') as HTMLElement | null)?.dataset.tick
          if (tick && seen.at(-1) !== tick) seen.push(tick)
        }).observe(thread, { childList: true, subtree: true })
      })
    }
    await a.locator('#reply-body').fill('Es ist unterwegs!')
    await a.locator('#reply-body').press('Enter')

    const sent = () => rig.simulator.received(setup.phoneNumberId).filter((request) => request.kind === 'message')
    await until(() => sent().length === 1, 'the reply at the simulator')
    assert.deepEqual((sent()[0].body as any).text, { body: 'Es ist unterwegs!' })

    for (const page of [a, b]) {
      await page.locator('#thread-messages [data-message]').filter({ hasText: 'Es ist unterwegs!' }).locator('[data-tick="read"]').waitFor({ timeout: 5000 })
    }
    // Both see every step, forward only; A may see it queued first (the composer's answer), never after.
    const seenByA: string[] = await a.evaluate(() => (window as any).ticksSeen)
    assert.deepEqual(seenByA.slice(seenByA[0] === 'queued' ? 1 : 0), ['sent', 'delivered', 'read'])
    assert.deepEqual(await b.evaluate(() => (window as any).ticksSeen), ['sent', 'delivered', 'read'])
    for (const page of [a, b]) {
      assert.equal(await page.locator('#thread-messages [data-message]').filter({ hasText: 'Es ist unterwegs!' }).count(), 1, 'shown once')
      assert.isTrue(await neverReloaded(page))
    }
    assert.lengthOf(sent(), 1)
  })

  test('an assignment by agent A shows on agent B’s conversation and list without reload', async (context) => {
    const { assert, client, cleanup } = context
    const setup = await customerWrote(client, rig.simulator)
    const { a, b, closeB } = await twoAgents(context, setup)
    cleanup(closeB)
    await open(a, setup.base)
    await open(b, setup.base)

    await a.locator('[data-action="assign-menu"]').click()
    await a.locator('[data-assign="me"]').click()
    await a.locator('#conversation-header [data-assignee]').filter({ hasText: 'Assigned to Ada Agent' }).waitFor()

    await b.locator('#conversation-header [data-assignee]').filter({ hasText: 'Assigned to Ada Agent' }).waitFor({ timeout: 2000 })
    await b.locator(`[data-row="${setup.conversation.id}"] [data-assignee]`).filter({ hasText: 'Assigned to Ada Agent' }).waitFor({ timeout: 2000 })
    assert.isTrue(await neverReloaded(b))
  })

  test('agent A writes a note mentioning B: B sees it in the thread without reload and is notified; the simulator gets nothing', async (context) => {
    const { assert, client, cleanup } = context
    const setup = await customerWrote(client, rig.simulator, 'Mein Paket ist beschädigt')
    const { a, b, colleague, closeB } = await twoAgents(context, setup)
    cleanup(closeB)
    await open(a, setup.base)
    await open(b, setup.base)

    await a.locator('[data-testid="mode-note"]').click()
    const body = a.locator('[data-testid="note-body"]')
    await body.pressSequentially('@Be')
    await a.locator('[data-testid="mention-option"]').filter({ hasText: 'Bea Colleague' }).waitFor()
    await body.press('Enter')
    await body.pressSequentially('could you call him?')
    assert.match(await body.inputValue(), new RegExp(`^@\\[Bea Colleague\\]\\(${colleague.id}\\) could you call him\\?$`))
    await body.press('Enter')

    for (const page of [a, b]) {
      const note = page.locator('#thread-messages [data-note]').filter({ hasText: 'could you call him?' })
      await note.waitFor({ timeout: 2000 })
      assert.equal(await note.locator(`[data-mention="${colleague.id}"]`).textContent(), '@Bea Colleague')
      assert.include(await note.textContent(), 'Ada Agent')
      assert.lengthOf(await page.locator('#thread-messages [data-note]').all(), 1, 'once')
    }
    assert.equal(await body.inputValue(), '', 'the composer is cleared')
    assert.isTrue(await neverReloaded(b))
    assert.lengthOf(await Notification.query().where('user_id', colleague.id), 1)

    await until(() => jobsIdle(), 'the queues to be idle')
    await rig.simulator.settle()
    assert.lengthOf(rig.simulator.received(setup.phoneNumberId).filter((request) => request.kind === 'message'), 0)
  })

  test('with the window closed the composer is a template picker: a missing parameter is named, the preview follows, the template reaches WhatsApp', async (context) => {
    const { assert, client, cleanup } = context
    const setup = await customerWrote(client, rig.simulator, 'Old question')
    // The customer wrote 25 hours ago, as far as the platform knows.
    await Conversation.query().where('id', setup.conversation.id).update({ windowExpiresAt: new Date(Date.now() - 3600_000) })
    await syncTemplates(await Channel.findOrFail(setup.channelId))
    setup.user.theme = 'dark'
    await setup.user.save()
    const { a, closeB } = await twoAgents(context, setup)
    cleanup(closeB)
    await open(a, setup.base)

    const form = a.getByTestId('template-form')
    await a.getByTestId('template-select').selectOption({ label: 'appointment_reminder (en_US)' })
    const fields = form.locator('[data-template-fields="appointment_reminder"]')
    await fields.locator('[data-parameter="customer_name"]').fill('Jürgen')
    await a.getByTestId('template-preview').filter({ hasText: 'Hi Jürgen, this is a reminder of your appointment on {{date}}.' }).waitFor()

    await a.getByTestId('send-template').click()
    await form.locator('[data-error-for="body.1"]').filter({ hasText: 'Fill in this parameter' }).waitFor()

    await fields.locator('[data-parameter="date"]').fill('12 May, 10:00')
    await a.getByTestId('template-preview').filter({ hasText: 'on 12 May, 10:00.' }).waitFor()
    await a.getByTestId('send-template').click()
    await a.locator('#thread-messages [data-template="appointment_reminder"]').filter({ hasText: 'Hi Jürgen' }).waitFor()

    const sent = () => rig.simulator.received(setup.phoneNumberId).filter((request) => request.kind === 'message')
    await until(() => sent().length === 1, 'the template at the simulator')
    assert.equal((sent()[0].body as any).template.name, 'appointment_reminder')
    await a.locator('#thread-messages [data-template="appointment_reminder"]').locator('xpath=ancestor::li[1]').locator('[data-tick="read"]').waitFor({ timeout: 5000 })
    assert.equal(await a.locator('#thread-messages [data-template="appointment_reminder"]').count(), 1)

    // Dark, and at a phone's width nothing scrolls sideways.
    assert.isTrue(await a.evaluate(() => document.documentElement.classList.contains('dark')))
    await a.setViewportSize({ width: 360, height: 740 })
    assert.isTrue(await a.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth))
  })
})
