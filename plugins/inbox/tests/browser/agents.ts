/// <reference lib="dom" />
/**
 * What the inbox's browser tests share: two agents side by side, each in their own browser
 * context, and pages opened once they listen to the inbox's channel.
 */
import type { Page } from 'playwright-core'
import { addMember } from '#database/factories/index'
import type { customerWrote } from '#inbox/tests/support'

/** The page has subscribed to the workspace's inbox channel (start waiting before it loads). */
const subscribed = (page: Page) =>
  page.waitForResponse((response) => response.url().includes('/__transmit/subscribe') && (response.request().postData() ?? '').includes('/inbox/live'))

/** Opens `path` and waits until it listens; marks the window, to prove later that it never reloaded. */
export async function open(page: Page, path: string) {
  const listening = subscribed(page)
  await page.goto(path)
  if ((await listening).status() !== 204) throw new Error('the inbox channel refused the subscription')
  await page.evaluate(() => ((window as any).notReloaded = true))
}

export const neverReloaded = (page: Page) => page.evaluate(() => (window as any).notReloaded === true)

/** Agent A (the workspace's owner, "Ada Agent") and agent B ("Bea Colleague"), each with a page of their own. */
export async function twoAgents({ browser, browserContext }: { browser: any; browserContext: any }, setup: Awaited<ReturnType<typeof customerWrote>>) {
  const colleague = await addMember(setup.workspace, 'agent')
  await colleague.merge({ fullName: 'Bea Colleague' }).save()
  await browserContext.loginAs(setup.user)
  const other = await browser.newContext({ baseURL: `http://${process.env.HOST}:${process.env.PORT}` })
  await other.loginAs(colleague)
  return { a: (await browserContext.newPage()) as Page, b: (await other.newPage()) as Page, colleague, closeB: () => other.close() }
}
