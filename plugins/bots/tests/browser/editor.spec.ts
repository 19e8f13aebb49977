/// <reference lib="dom" />
import { test } from '@japa/runner'
import type { Page } from 'playwright-core'
import { truncateTables } from '#tests/helpers/database'
import { pluginEnablement } from '#plugins/enablement'
import { addMember, workspaceWithMember } from '#database/factories/index'
import { apiWorkspace, connectCloudChannel, until, useSimulatorAndWorkers } from '#messaging/tests/support'
import Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'
import { createFlow } from '#bots/actions/create_flow'
import { importFlow } from '#bots/actions/import_flow'

/** A node on the canvas by its flow id (the card inside Drawflow's node carries it). */
const nodeOf = (page: Page, id: string) => page.locator(`.drawflow-node:has([data-node="${id}"])`)

async function centre(selector: ReturnType<Page['locator']>) {
  const box = (await selector.boundingBox())!
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
}

/** Drags from a node's output port (1-based, in the order of its exits) to another node's input. */
async function connect(page: Page, from: string, output: number, to: string) {
  const start = await centre(nodeOf(page, from).locator(`.output_${output}`))
  const end = await centre(nodeOf(page, to).locator('.input_1'))
  await page.mouse.move(start.x, start.y)
  await page.mouse.down()
  await page.mouse.move(end.x, end.y, { steps: 8 })
  await page.mouse.up()
}

/** Drops a palette item on the canvas at (x, y) of the canvas. */
async function drop(page: Page, type: string, x: number, y: number) {
  await page.locator(`[data-palette="${type}"]`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } })
  await page.getByTestId('node-id').filter({ hasText: `${type}_1` }).waitFor()
}

/*
| A newcomer's path (issue 7's "done when"): build a flow by drag and drop in a real browser,
| see the server's problems on the nodes, test it in the chat panel, publish it, switch it on,
| and a customer writing from the simulator's phone gets its answer through the real webhook,
| queue and provider.
*/
test.group('Browser: the bot flow editor', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 72, workers: 2 })

  test('build message → buttons → question → condition → handoff, test it, publish it; the simulator gets the answer', async ({ browserContext, client, assert }) => {
    const { workspace, user, token } = await apiWorkspace()
    await pluginEnablement.enable(workspace, 'bots', user.id)
    const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)
    user.theme = 'dark'
    user.fullName = 'Olga Owner'
    await user.save()
    await browserContext.loginAs(user)
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 1920, height: 1080 })

    await page.goto(`/w/${workspace.slug}/bots`)
    await page.locator('#f-new-flow').fill('Sales desk')
    await page.getByRole('button', { name: 'Create and edit' }).click()
    await page.waitForURL(/\/bots\/flows\/\d+\/edit$/)
    await page.locator('[data-flow-editor][data-ready="true"]').waitFor()
    assert.isTrue(await page.evaluate(() => document.documentElement.classList.contains('dark')))

    // The first message is there; its text gets a variable.
    await nodeOf(page, 'welcome').click()
    await page.locator('#fe-text').fill('Hi {{contact.name}}!')

    await drop(page, 'buttons', 320, 40)
    await page.locator('#fe-btext').fill('Sales or support?')
    await page.getByTestId('button-title').nth(0).fill('Sales')
    await page.getByTestId('button-title').nth(1).fill('Support')

    await drop(page, 'question', 640, 40)
    await page.locator('#fe-qtext').fill('Your budget in EUR?')
    await page.locator('#fe-kind').selectOption('number')
    await page.locator('#fe-save-question_1').fill('vars.budget')
    await page.locator('#fe-retry-question_1').fill('A number, please')

    await drop(page, 'condition', 40, 320)
    await page.getByLabel('Subject').fill('vars.budget')
    await page.getByLabel('Operator').selectOption('gte')
    await page.getByLabel('Value').fill('1000')

    await drop(page, 'handoff', 640, 320)
    await page.locator('#fe-assignee').selectOption({ label: 'Olga Owner' })
    await page.locator('#fe-hmessage').fill('A colleague will be with you shortly.')

    await drop(page, 'end', 320, 560)
    await page.locator('#fe-emessage').fill('Our shop has just the thing.')

    // Nothing is connected yet: the server refuses and the broken nodes say why.
    await page.getByTestId('save').click()
    await nodeOf(page, 'question_1').locator('[data-errors]').getByText('a question needs an exit').waitFor()
    assert.isTrue(await nodeOf(page, 'buttons_1').evaluate((element) => element.classList.contains('fe-invalid')))
    await page.getByTestId('editor-status').getByText('Not saved').waitFor()
    await page.getByTestId('test').click()
    await page.getByTestId('test-refused').waitFor()
    await page.getByRole('button', { name: 'Close the test chat' }).click()

    await connect(page, 'welcome', 1, 'buttons_1')
    await connect(page, 'buttons_1', 1, 'question_1')
    await connect(page, 'buttons_1', 2, 'handoff_1')
    await connect(page, 'question_1', 1, 'condition_1')
    await connect(page, 'condition_1', 1, 'handoff_1')
    await connect(page, 'condition_1', 2, 'end_1')

    // The trigger: the flow's settings show when no node is selected.
    await page.getByTestId('canvas').click({ position: { x: 900, y: 700 } })
    await page.locator('#fe-trigger').selectOption('keyword')
    await page.locator('#fe-keywords').fill('hello, hi')

    // Test saves the draft, then runs it in the chat panel through the runtime.
    await page.getByTestId('test').click()
    const chat = page.getByTestId('test-chat')
    await chat.getByText('Hi Olga Owner!').waitFor()
    await page.getByTestId('editor-status').getByText('Saved as draft v1').waitFor()
    assert.equal(await nodeOf(page, 'question_1').locator('[data-errors]').count(), 0)
    await chat.locator('[data-reply="Sales"]').click()
    await chat.getByText('Your budget in EUR?').waitFor()
    await chat.locator('#test-text').fill('lots')
    await chat.locator('#test-text').press('Enter')
    await chat.getByText('A number, please').waitFor()
    await chat.locator('#test-text').fill('2500')
    await chat.locator('#test-text').press('Enter')
    await chat.getByText('A colleague will be with you shortly.').waitFor()
    await chat.locator('[data-variable="budget"]').getByText('2500').waitFor()
    // The path taken is lit on the canvas.
    await page.locator('.drawflow-node.fe-path').nth(4).waitFor()
    const lit = await page.locator('.drawflow-node.fe-path [data-node]').evaluateAll((cards) => cards.map((card) => (card as HTMLElement).dataset.node))
    assert.sameMembers(lit, ['welcome', 'buttons_1', 'question_1', 'condition_1', 'handoff_1'])

    await page.getByTestId('publish').click()
    await page.waitForURL(/\/bots\/flows\/\d+$/)
    await page.locator('[data-version="1"][data-state="published"]').waitFor()
    // The switch is a form: wait for its answer, then for the page it redirects to (a toast may come and go first).
    await Promise.all([page.waitForResponse((response) => response.url().endsWith('/enabled') && response.request().method() === 'POST'), page.getByTestId('toggle').click()])
    await page.locator('[data-testid="toggle"].btn-secondary').waitFor()
    const flow = await Flow.query().where('workspace_id', workspace.id).firstOrFail()
    assert.deepEqual(flow.trigger, { type: 'keyword', keywords: ['hello', 'hi'] })
    const live = await FlowVersion.query().where('flow_id', flow.id).where('state', 'published').firstOrFail()
    assert.lengthOf(live.definition.nodes, 6)

    // A customer writes from the simulator's phone: the published flow answers.
    const sent = () => rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'message').map((request) => request.body as any)
    const from = '4915112345678'
    await rig.simulator.inject(phoneNumberId, { from, name: 'Jürgen', type: 'text', text: 'Hello' })
    await until(() => sent().length === 2, 'the greeting and the buttons at the phone')
    assert.equal(sent()[0].text.body, 'Hi Jürgen!')
    assert.deepEqual(sent()[1].interactive.action.buttons.map((b: any) => b.reply.title), ['Sales', 'Support'])
    await rig.simulator.inject(phoneNumberId, { from, type: 'interactive', interactive: { type: 'button_reply', id: 'yes', title: 'Sales' } })
    await until(() => sent().length === 3, 'the question')
    assert.equal(sent()[2].text.body, 'Your budget in EUR?')
  })

  test('at 360 px in the dark theme a member who may only view sees the flow read-only', async ({ browserContext, assert }) => {
    const { workspace, user } = await apiWorkspace()
    await pluginEnablement.enable(workspace, 'bots', user.id)
    const viewer = await addMember(workspace, 'viewer')
    viewer.theme = 'dark'
    await viewer.save()
    const flow = await createFlow(workspace.id, 'Small screens', user.id)
    await browserContext.loginAs(viewer)
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 360, height: 740 })
    await page.goto(`/w/${workspace.slug}/bots/flows/${flow.id}/edit`)
    await page.locator('[data-flow-editor][data-ready="true"]').waitFor()
    await nodeOf(page, 'welcome').waitFor()
    assert.equal(await page.getByTestId('palette').count(), 0)
    assert.equal(await page.getByTestId('save').count(), 0)
    assert.isTrue(await page.locator('#fe-trigger').isDisabled())
    assert.isTrue(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the editor fits the phone')
  })
})

/** Three messages in a row (a → b → c → end) and the end below them, far from the canvas's edges. */
const rowJson = JSON.stringify({
  schemaVersion: 1,
  name: 'Row',
  trigger: { type: 'manual' },
  start: 'a',
  nodes: [
    { id: 'a', type: 'message', position: { x: 100, y: 100 }, data: { text: 'One', next: 'b' } },
    { id: 'b', type: 'message', position: { x: 400, y: 100 }, data: { text: 'Two', next: 'c' } },
    { id: 'c', type: 'message', position: { x: 700, y: 100 }, data: { text: 'Three', next: 'd' } },
    { id: 'd', type: 'end', position: { x: 100, y: 460 }, data: {} },
  ],
})

/** A node's box relative to the canvas (the page around it may shift as the side panel changes). */
async function boxOf(page: Page, id: string) {
  const box = (await nodeOf(page, id).boundingBox())!
  const canvas = (await page.getByTestId('canvas').boundingBox())!
  return { ...box, x: box.x - canvas.x, y: box.y - canvas.y }
}

const selectedIds = (page: Page) => page.locator('.drawflow-node.selected [data-node]').evaluateAll((cards) => cards.map((card) => (card as HTMLElement).dataset.node).sort())

/** A drag with the mouse from one point to another, with the given keys held. */
async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }, keys: string[] = []) {
  for (const key of keys) await page.keyboard.down(key)
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  await page.mouse.move(to.x, to.y, { steps: 8 })
  await page.mouse.up()
  for (const key of keys) await page.keyboard.up(key)
}

/*
| The canvas's gestures: several nodes selected, moved, deleted, copied together; the overview's
| rectangle dragged; the undo history kept across a reload of the page.
*/
test.group('Browser: the flow editor canvas', (group) => {
  group.each.teardown(() => truncateTables())

  async function openRow(browserContext: any, theme: 'dark' | 'light' = 'light') {
    const { workspace, user } = await workspaceWithMember('owner')
    await pluginEnablement.enable(workspace, 'bots', user.id)
    user.theme = theme
    await user.save()
    const imported = await importFlow({ workspaceId: workspace.id, json: rowJson, userId: user.id })
    if (!imported.ok) throw new Error(imported.errors.join('; '))
    await browserContext.loginAs(user)
    const page: Page = await browserContext.newPage()
    await page.setViewportSize({ width: 1600, height: 1000 })
    const url = `/w/${workspace.slug}/bots/flows/${imported.flow.id}/edit`
    await page.goto(url)
    await page.locator('[data-flow-editor][data-ready="true"]').waitFor()
    return { page, flow: imported.flow, user, url }
  }

  test('in the dark theme a box selects three nodes; they move together, are deleted in one undo step, and are copied with their links', async ({ browserContext, assert }) => {
    const { page } = await openRow(browserContext, 'dark')
    const before = { a: await boxOf(page, 'a'), b: await boxOf(page, 'b'), c: await boxOf(page, 'c'), d: await boxOf(page, 'd') }

    // Shift + drag on the background: a box around a, b and c (d is below it).
    const [a, c] = [(await nodeOf(page, 'a').boundingBox())!, (await nodeOf(page, 'c').boundingBox())!]
    await drag(page, { x: a.x - 30, y: a.y - 30 }, { x: c.x + c.width + 30, y: c.y + c.height + 30 }, ['Shift'])
    assert.deepEqual(await selectedIds(page), ['a', 'b', 'c'])
    await page.getByTestId('selection-count').getByText('3').waitFor()
    // Marked, in the dark theme too: the selected nodes' outline is not the others'.
    const outline = (id: string) => nodeOf(page, id).evaluate((element) => getComputedStyle(element).boxShadow + getComputedStyle(element).borderColor)
    assert.notEqual(await outline('a'), await outline('d'))

    // Dragging one of them moves all three by the same distance; d stays.
    await drag(page, await centre(nodeOf(page, 'b')), { x: (await centre(nodeOf(page, 'b'))).x + 200, y: (await centre(nodeOf(page, 'b'))).y + 100 })
    for (const id of ['a', 'b', 'c'] as const) {
      const after = await boxOf(page, id)
      assert.approximately(after.x - before[id].x, 200, 1, `${id} moved right`)
      assert.approximately(after.y - before[id].y, 100, 1, `${id} moved down`)
    }
    assert.deepEqual(await boxOf(page, 'd'), before.d)
    assert.deepEqual(await selectedIds(page), ['a', 'b', 'c'])

    // Delete removes the three; one undo brings them back, with their links, where they were moved to.
    await page.keyboard.press('Delete')
    assert.equal(await page.locator('.drawflow-node').count(), 1)
    assert.equal(await page.locator('.drawflow .connection').count(), 0)
    await page.keyboard.press('Control+z')
    assert.equal(await page.locator('.drawflow-node').count(), 4)
    assert.equal(await page.locator('.drawflow .connection').count(), 3)
    assert.approximately((await boxOf(page, 'a')).x - before.a.x, 200, 1)

    // Esc clears the selection; click, shift + click and ctrl + click select three again.
    await page.keyboard.press('Escape')
    assert.deepEqual(await selectedIds(page), [])
    await nodeOf(page, 'a').click()
    await nodeOf(page, 'b').click({ modifiers: ['Shift'] })
    await nodeOf(page, 'c').click({ modifiers: ['Control'] })
    assert.deepEqual(await selectedIds(page), ['a', 'b', 'c'])
    await nodeOf(page, 'b').click({ modifiers: ['Shift'] })
    assert.deepEqual(await selectedIds(page), ['a', 'c'])
    await nodeOf(page, 'b').click({ modifiers: ['Shift'] })

    // Copy and paste: three new nodes beside them, selected, linked a' → b' → c' (c's exit to d is left empty).
    await page.keyboard.press('Control+c')
    await page.keyboard.press('Control+v')
    assert.equal(await page.locator('.drawflow-node').count(), 7)
    assert.deepEqual(await selectedIds(page), ['message_1', 'message_2', 'message_3'])
    assert.equal(await page.locator('.drawflow .connection').count(), 5)
    const copy = await boxOf(page, 'message_1')
    const original = await boxOf(page, 'a')
    assert.deepEqual([copy.x - original.x, copy.y - original.y], [40, 40])
    await nodeOf(page, 'message_1').click()
    assert.equal(await page.getByTestId('node-id').textContent(), 'message_1')
    assert.equal(await page.locator('#fe-text').inputValue(), 'One')
  })

  test('dragging the overview\'s rectangle pans the canvas; a click on the overview still centres the view there', async ({ browserContext, assert }) => {
    const { page } = await openRow(browserContext)
    const view = page.locator('.fe-mini-view')
    const minimap = (await page.getByTestId('minimap').boundingBox())!
    const rect = (await view.boundingBox())!
    // The part of the rectangle inside the overview (the view may be larger than the flow).
    const left = Math.max(rect.x, minimap.x)
    const top = Math.max(rect.y, minimap.y)
    const grab = { x: (left + Math.min(rect.x + rect.width, minimap.x + minimap.width)) / 2, y: (top + Math.min(rect.y + rect.height, minimap.y + minimap.height)) / 2 }
    const before = await boxOf(page, 'a')
    const rectBefore = rect

    // The rectangle goes left and up: the flow moves right and down in the view.
    await drag(page, grab, { x: grab.x - 20, y: grab.y - 10 })
    const after = await boxOf(page, 'a')
    assert.isAbove(after.x - before.x, 20)
    assert.isAbove(after.y - before.y, 10)
    const rectAfter = (await view.boundingBox())!
    assert.approximately(rectAfter.x - rectBefore.x, -20, 2)
    assert.approximately(rectAfter.y - rectBefore.y, -10, 2)

    // A click elsewhere on the overview centres the view on that point.
    const d = (await page.locator('.fe-mini-node').nth(3).boundingBox())!
    await page.mouse.click(d.x + d.width / 2, d.y + d.height / 2)
    const canvas = (await page.getByTestId('canvas').boundingBox())!
    const node = await centre(nodeOf(page, 'd'))
    assert.approximately(node.x, canvas.x + canvas.width / 2, 3)
    assert.approximately(node.y, canvas.y + canvas.height / 2, 3)
  })

  test('the undo history survives a reload: after a save, and along the unsaved work; someone else\'s save drops it', async ({ browserContext, assert }) => {
    const { page, flow, user } = await openRow(browserContext)
    const start = await boxOf(page, 'd')

    // A move, saved; the page is reloaded: undo takes the move back.
    await drag(page, await centre(nodeOf(page, 'd')), { x: (await centre(nodeOf(page, 'd'))).x + 300, y: (await centre(nodeOf(page, 'd'))).y })
    await page.keyboard.press('Control+s')
    await page.getByTestId('editor-status').getByText('Saved as draft v1').waitFor()
    await page.reload()
    await page.locator('[data-flow-editor][data-ready="true"]').waitFor()
    assert.approximately((await boxOf(page, 'd')).x - start.x, 300, 1)
    await page.keyboard.press('Control+z')
    assert.approximately((await boxOf(page, 'd')).x, start.x, 1)
    await page.getByTestId('editor-status').getByText('Unsaved changes').waitFor()

    // An unsaved deletion, then a reload: the saved draft shows, the banner brings the deletion back, and undo takes it back.
    await nodeOf(page, 'c').click()
    await page.keyboard.press('Delete')
    await page.reload()
    await page.locator('[data-flow-editor][data-ready="true"]').waitFor()
    assert.equal(await page.locator('.drawflow-node').count(), 4)
    await page.getByTestId('backup').getByRole('button', { name: 'Restore them' }).click()
    assert.equal(await page.locator('.drawflow-node').count(), 3)
    await page.keyboard.press('Control+z')
    assert.equal(await page.locator('.drawflow-node').count(), 4)
    assert.approximately((await boxOf(page, 'd')).x, start.x, 1)

    // Someone else saves the draft: the kept history is for an older revision and is dropped.
    const other = await importFlow({ workspaceId: flow.workspaceId, json: rowJson, userId: user.id, flow })
    assert.isTrue(other.ok)
    await page.reload()
    await page.locator('[data-flow-editor][data-ready="true"]').waitFor()
    assert.isTrue(await page.getByRole('button', { name: 'Undo' }).isDisabled())
  })
})
