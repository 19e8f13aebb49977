/// <reference lib="dom" />
import { test } from '@japa/runner'
import type { Page } from 'playwright-core'
import Conversation from '#messaging/models/conversation'
import { useSimulatorAndWorkers } from '#messaging/tests/support'
import Team from '#inbox/models/team'
import { customerWrote } from '#inbox/tests/support'
import { open, twoAgents } from '#inbox/tests/browser/agents'

/*
| Teams, presence, collision warnings and alerts with two agents in two browser contexts: real
| Chromium, the real server and workers, the simulator's customer over loopback.
*/
test.group('Browser: assignment, presence and collisions, two agents', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 37, workers: 2 })

  /** The viewers strip of `page` says exactly `text` (empty: hidden). */
  const viewersSay = (page: Page, text: string, timeout = 4000) =>
    page.waitForFunction(
      (expected) => {
        const box = document.getElementById('conversation-viewers')
        return !!box && (expected ? !box.hidden && box.textContent === expected : box.hidden)
      },
      text,
      { timeout }
    )

  test('B sees A viewing, then typing, and the warning goes once A leaves', async (context) => {
    const { cleanup } = context
    const setup = await customerWrote(context.client, rig.simulator, 'Hallo?')
    const { a, b, closeB } = await twoAgents(context, setup)
    cleanup(closeB)
    await open(b, setup.base)
    await open(a, setup.base)

    await viewersSay(b, 'Ada Agent is viewing')
    await viewersSay(a, 'Bea Colleague is viewing')
    await a.locator('#reply-body').pressSequentially('Einen Moment', { delay: 30 })
    await viewersSay(b, 'Ada Agent is typing…')
    // A goes back to the list: B's warning is gone within seconds.
    await a.locator('#conversation-header a[href$="/inbox"]').first().evaluate((link: HTMLAnchorElement) => link.click())
    await a.waitForURL(/\/inbox$/)
    await viewersSay(b, '', 3000)
  })

  test('the assign menu shows who is online and away; A gives the conversation to a team and B sees it live', async (context) => {
    const { assert, cleanup } = context
    const setup = await customerWrote(context.client, rig.simulator, 'Ich brauche Hilfe')
    const { a, b, colleague, closeB } = await twoAgents(context, setup)
    cleanup(closeB)
    const sales = await Team.create({ workspaceId: setup.workspace.id, name: 'Sales' })
    await open(b, setup.base)
    // B's page has pinged: B is online.
    await b.locator('[data-testid="presence-menu"]').waitFor({ state: 'attached' })
    await open(a, setup.base)

    await a.locator('[data-action="assign-menu"]').click()
    await a.locator(`[data-assign="${colleague.id}"] [data-presence="online"]`).waitFor()

    // B steps away (user menu): A's menu says so after its next header load.
    await b.getByTestId('user-menu').click()
    await b.locator('[data-presence-option="away"]').click()
    await b.locator('[data-presence-self="away"]').waitFor({ state: 'attached' })

    await a.locator(`[data-assign-team="${sales.id}"]`).click()
    await a.locator('#conversation-header [data-team]').filter({ hasText: 'Team: Sales' }).waitFor()
    await b.locator('#conversation-header [data-team]').filter({ hasText: 'Team: Sales' }).waitFor({ timeout: 2000 })
    await b.locator(`[data-row="${setup.conversation.id}"] [data-team]`).filter({ hasText: 'Sales' }).waitFor({ timeout: 2000 })
    await a.locator('[data-action="assign-menu"]').click()
    await a.locator(`[data-assign="${colleague.id}"] [data-presence="away"]`).waitFor()
    const conversation = await Conversation.findOrFail(setup.conversation.id)
    assert.isNull(conversation.assigneeId)
  })

  test('a customer’s message while the tab is hidden: a browser notification and a sound; the permission is asked only from the banner', async (context) => {
    const { assert, browserContext } = context
    const setup = await customerWrote(context.client, rig.simulator, 'Erste Nachricht')
    // The tab is in the background; notifications and sounds are recorded rather than shown.
    await browserContext.addInitScript(() => {
      const w = window as any
      w.shown = []
      w.rung = 0
      w.asked = 0
      Object.defineProperty(document, 'hidden', { get: () => w.pretendHidden === true })
      w.Notification = class {
        static permission = 'default'
        static requestPermission() {
          w.asked++
          w.Notification.permission = 'granted'
          return Promise.resolve('granted')
        }
        constructor(title: string, options: { body: string }) {
          w.shown.push({ title, body: options.body })
        }
      }
      w.AudioContext = class {
        currentTime = 0
        destination = {}
        resume() {
          w.rung++
          return Promise.resolve()
        }
        createOscillator() {
          return { frequency: {}, connect: (next: unknown) => next, start() {}, stop() {} }
        }
        createGain() {
          return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (next: unknown) => next }
        }
      }
    })
    await browserContext.loginAs(setup.user)
    const page: Page = await browserContext.newPage()
    await open(page, `/w/${setup.workspace.slug}/inbox`)
    await page.locator('[data-inbox-sound="on"]').waitFor({ state: 'attached' })

    const asked = () => page.evaluate(() => (window as any).asked)
    assert.equal(await asked(), 0, 'never asked on load')
    await page.getByTestId('notify-banner').waitFor()
    await page.locator('[data-notify-action="enable"]').click()
    await page.getByTestId('notify-banner').waitFor({ state: 'hidden' })
    assert.equal(await asked(), 1)

    await page.evaluate(() => ((window as any).pretendHidden = true))
    await rig.simulator.inject(setup.phoneNumberId, { from: setup.from, name: 'Jürgen', type: 'text', text: 'Hallo, ist da wer?', timestamp: Math.floor(Date.now() / 1000) })
    await page.waitForFunction(() => (window as any).shown.length === 1, undefined, { timeout: 4000 })
    assert.deepEqual(await page.evaluate(() => (window as any).shown), [{ title: 'Jürgen', body: 'Hallo, ist da wer?' }])
    assert.equal(await page.evaluate(() => (window as any).rung), 1)
    // The unread count in the tab title still follows.
    await page.waitForFunction(() => /^\(\d+\) /.test(document.title))
  })
})
