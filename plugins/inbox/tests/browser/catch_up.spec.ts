/// <reference lib="dom" />
import { test } from '@japa/runner'
import type { Page } from 'playwright-core'
import redis from '@adonisjs/redis/services/main'
import Channel from '#messaging/models/channel'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import { syncTemplates } from '#messaging/actions/sync_templates'
import { jobsIdle, until, useSimulatorAndWorkers } from '#messaging/tests/support'
import { customerWrote } from '#inbox/tests/support'
import { neverReloaded, open, twoAgents } from '#inbox/tests/browser/agents'

/*
| What keeps a page right over time, two agents side by side: catching up after a dropped
| connection, reading the open conversation as the customer writes, the composer following the
| 24-hour window, presence in an open assign menu. Real Chromium, server, workers and simulator.
*/

/** The tab as the browser would report it hidden (another tab in front) or shown again. */
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') })
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value })
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)

const threadTexts = (page: Page) => page.locator('#thread-messages [data-message]').evaluateAll((items) => items.map((item) => item.textContent!.replace(/\s+/g, ' ').trim()))

test.group('Browser: the inbox over time, two agents', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 37, workers: 2 })

  /**
   * The customer (or another, `from`) writes `text`, `secondsAgo` as WhatsApp says (its times are
   * in seconds: apart, the list's order is plain); resolves once it is stored, so that the next
   * one is stored after it.
   */
  async function customerSays(setup: Awaited<ReturnType<typeof customerWrote>>, text: string, { from = setup.from, name = 'Jürgen', secondsAgo = 0 } = {}) {
    const wamid = await rig.simulator.inject(setup.phoneNumberId, { from, name, type: 'text', text, timestamp: Math.floor(Date.now() / 1000) - secondsAgo })
    await until(async () => !!(await Message.query().where('workspace_id', setup.workspace.id).where('provider_message_id', wamid).first()), `"${text}" stored`)
    return wamid
  }

  test('a tab whose connection dropped catches up when it is back: the missed messages in order and once, the new conversation in its list', async (context) => {
    const { assert, client, cleanup, browserContext } = context
    const setup = await customerWrote(client, rig.simulator, 'Erste Frage')
    const { a, b, closeB } = await twoAgents(context, setup)
    cleanup(closeB)
    // The page's EventSources, to drop one.
    await browserContext.addInitScript(() => {
      const Native = window.EventSource
      ;(window as any).EventSource = class extends Native {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(url, init)
          ;((window as any).eventSources ??= []).push(this)
        }
      }
    })
    await open(a, setup.base)
    await open(b, setup.base)

    // A's network goes away (a blip, a laptop closed): its SSE connection drops. (Chromium's
    // offline mode keeps a stream already open, so the stream is closed with an error too.)
    await browserContext.setOffline(true)
    await a.evaluate(() => {
      const source = (window as any).eventSources.at(-1) as EventSource
      source.close()
      source.dispatchEvent(new Event('error'))
    })

    await customerSays(setup, 'Neue Kundin hier', { from: '4917600000002', name: 'Neue Kundin', secondsAgo: 30 })
    await customerSays(setup, 'Zweite Frage')
    await customerSays(setup, 'Dritte Frage')
    // B, connected, follows (live.spec.ts holds live updates to 2 s; here the page may be the run's first); A hears nothing.
    await b.locator('#thread-messages [data-message]').filter({ hasText: 'Dritte Frage' }).waitFor({ timeout: 5000 })
    assert.equal(await a.locator('#thread-messages [data-message]').filter({ hasText: 'Zweite Frage' }).count(), 0)

    await browserContext.setOffline(false)
    await a.locator('#thread-messages [data-message]').filter({ hasText: 'Dritte Frage' }).waitFor({ timeout: 15_000 })
    const texts = await threadTexts(a)
    assert.deepEqual(
      texts.map((text) => ['Erste Frage', 'Zweite Frage', 'Dritte Frage'].find((wanted) => text.includes(wanted))),
      ['Erste Frage', 'Zweite Frage', 'Dritte Frage'],
      'each once, in order'
    )
    const fresh = await Conversation.query().where('workspace_id', setup.workspace.id).whereNot('id', setup.conversation.id).firstOrFail()
    await a.locator(`[data-row="${fresh.id}"]`).filter({ hasText: 'Neue Kundin hier' }).waitFor({ timeout: 5000 })
    assert.deepEqual(await a.locator('[data-row]').evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.row))), [setup.conversation.id, fresh.id])
    // The open conversation is highlighted still, and read: A was looking at it.
    await a.locator(`[data-row="${setup.conversation.id}"] [aria-current="page"]`).waitFor({ state: 'attached' })
    await until(async () => (await Conversation.findOrFail(setup.conversation.id)).unreadCount === 0, 'the open conversation read')
    assert.isTrue(await neverReloaded(a))

    // And it is live again.
    await customerSays(setup, 'Vierte Frage')
    await a.locator('#thread-messages [data-message]').filter({ hasText: 'Vierte Frage' }).waitFor({ timeout: 2000 })
    assert.equal(await a.locator('#thread-messages [data-message]').filter({ hasText: 'Vierte Frage' }).count(), 1)
  })

  test('the conversation A has open and shown is read as the customer writes (no badge, one receipt); hidden, it is read when shown again', async (context) => {
    const { assert, client, cleanup } = context
    const setup = await customerWrote(client, rig.simulator, 'Hallo?')
    const { a, b, closeB } = await twoAgents(context, setup)
    cleanup(closeB)
    await open(a, setup.base)
    await open(b, `/w/${setup.workspace.slug}/inbox`)
    const reads = (wamid: string) => rig.simulator.received(setup.phoneNumberId).filter((request) => request.kind === 'read' && request.id === wamid)
    const row = (page: Page) => page.locator(`[data-row="${setup.conversation.id}"]`)

    // Whether A's list ever shows the conversation's unread badge.
    await a.evaluate((id) => {
      new MutationObserver(() => {
        if (document.querySelector(`[data-row="${id}"] [data-unread]`)) (window as any).badgeSeen = true
      }).observe(document.getElementById('conversation-list')!, { childList: true, subtree: true })
    }, setup.conversation.id)

    const second = await customerSays(setup, 'Noch jemand da?')
    await a.locator('#thread-messages [data-message]').filter({ hasText: 'Noch jemand da?' }).waitFor({ timeout: 2000 })
    await until(() => reads(second).length === 1, 'the read receipt at the simulator')
    // B's list shows it read too.
    await row(b).filter({ hasText: 'Noch jemand da?' }).waitFor({ timeout: 2000 })
    await row(b).locator('[data-unread]').waitFor({ state: 'detached', timeout: 2000 })
    await until(() => jobsIdle(), 'the queues to be idle')
    await rig.simulator.settle()
    assert.lengthOf(reads(second), 1, 'one receipt')
    assert.notEqual(await a.evaluate(() => (window as any).badgeSeen), true, 'A never saw the badge')

    // A's tab goes to the background: the next message waits unread.
    await setHidden(a, true)
    const third = await customerSays(setup, 'Bitte antworten')
    await row(a).filter({ hasText: 'Bitte antworten' }).locator('[data-unread="1"]').waitFor({ timeout: 2000 })
    await until(() => jobsIdle(), 'the queues to be idle')
    assert.lengthOf(reads(third), 0)
    assert.equal((await Conversation.findOrFail(setup.conversation.id)).unreadCount, 1)

    await setHidden(a, false)
    await row(a).locator('[data-unread]').waitFor({ state: 'detached', timeout: 2000 })
    await until(() => reads(third).length === 1, 'the read receipt once shown')
    assert.isTrue(await neverReloaded(a))
  })

  test('the composer becomes the template picker when the window closes on screen, and the reply box again when the customer writes', async (context) => {
    const { assert, client, cleanup } = context
    const setup = await customerWrote(client, rig.simulator, 'Letzte Frage')
    await syncTemplates(await Channel.findOrFail(setup.channelId))
    const { a, b, closeB } = await twoAgents(context, setup)
    cleanup(closeB)
    // The window closes a few seconds after the pages open.
    await Conversation.query().where('id', setup.conversation.id).update({ windowExpiresAt: new Date(Date.now() + 6000) })
    await open(a, setup.base)
    await open(b, setup.base)
    for (const page of [a, b]) await page.locator('#reply-body').waitFor()
    await a.locator('#reply-body').fill('Half written')

    for (const page of [a, b]) {
      await page.getByTestId('template-form').waitFor({ timeout: 10_000 })
      assert.equal(await page.locator('#reply-body').count(), 0)
    }

    await customerSays(setup, 'Doch noch eine Frage')
    for (const page of [a, b]) {
      await page.locator('#reply-body').waitFor({ timeout: 2000 })
      await page.getByTestId('window-countdown').filter({ hasText: /23 h|24 h/ }).waitFor()
      assert.equal(await page.getByTestId('template-form').count(), 0)
      assert.isTrue(await neverReloaded(page))
    }
    // It works: a reply goes.
    await a.locator('#reply-body').fill('Gern!')
    await a.locator('#reply-body').press('Enter')
    await until(() => rig.simulator.received(setup.phoneNumberId).some((request) => request.kind === 'message'), 'the reply at the simulator')
  })

  test('agent B coming online and stepping away shows in the assign menu A holds open', async (context) => {
    const { assert, client, cleanup } = context
    const setup = await customerWrote(client, rig.simulator, 'Wer hilft mir?')
    const { a, b, colleague, closeB } = await twoAgents(context, setup)
    cleanup(closeB)
    // Workspace ids repeat after truncation: no presence left from an earlier test.
    await redis.del(`inbox:online:${setup.workspace.id}`)
    await open(a, setup.base)
    await a.locator('[data-action="assign-menu"]').click()
    const dot = (presence: string) => a.locator(`[data-testid="assign-menu"] [data-assign="${colleague.id}"] [data-presence="${presence}"]`)
    await dot('offline').waitFor()

    // B opens a page: the ping says B came online.
    await open(b, `/w/${setup.workspace.slug}/inbox`)
    await dot('online').waitFor({ timeout: 2000 })
    await b.getByTestId('user-menu').click()
    await b.locator('[data-presence-option="away"]').click()
    await dot('away').waitFor({ timeout: 2000 })
    // Nothing was reopened: the menu A opened is open still.
    assert.isTrue(await a.getByTestId('assign-menu').isVisible())
    assert.isTrue(await neverReloaded(a))
  })
})
