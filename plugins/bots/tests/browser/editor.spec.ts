/// <reference lib="dom" />
import { test } from '@japa/runner'
import type { Page } from 'playwright-core'
import { pluginEnablement } from '#plugins/enablement'
import { addMember } from '#database/factories/index'
import { apiWorkspace, connectCloudChannel, until, useSimulatorAndWorkers } from '#messaging/tests/support'
import Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'
import { createFlow } from '#bots/actions/create_flow'

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
