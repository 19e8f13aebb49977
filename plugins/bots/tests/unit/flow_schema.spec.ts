import { test } from '@japa/runner'
import { checkFlow, checkFlowJson, exportFlow, type FlowDocument } from '#bots/services/flow_schema'

const doc = (nodes: object[], extra: object = {}) => ({ schemaVersion: 1, name: 'Support', start: (nodes[0] as any)?.id, nodes, ...extra })

const welcome = [
  { id: 'hi', type: 'message', position: { x: 0, y: 0 }, data: { text: 'Hi {{contact.name}}', next: 'menu' } },
  {
    id: 'menu',
    type: 'buttons',
    position: { x: 300, y: 0 },
    data: { text: 'How can we help?', buttons: [{ id: 'sales', title: 'Sales', next: 'bye' }, { id: 'help', title: 'Support', next: 'bye' }] },
  },
  { id: 'bye', type: 'end', position: { x: 600, y: 0 }, data: {} },
]

test.group('Bots: the flow JSON schema', () => {
  test('a valid flow is accepted and its export is the same JSON', async ({ assert }) => {
    const input = doc(welcome, { trigger: { type: 'keyword', keywords: ['hello'] } })
    const checked = await checkFlow(input)
    assert.isTrue(checked.ok)
    const flow = (checked as { flow: FlowDocument }).flow
    assert.deepEqual(exportFlow({ name: 'Support', trigger: flow.trigger! }, flow), input as any)
  })

  test('each problem is one sentence naming its node', async ({ assert }) => {
    const checked = await checkFlow(
      doc([
        { id: 'q1', type: 'question', data: { text: 'Your e-mail?', kind: 'email' } },
        { id: 'b1', type: 'buttons', data: { text: 'Pick', buttons: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, title: `Option ${n}`, next: 'q1' })) } },
        { id: 'b2', type: 'buttons', data: { text: 'Pick', buttons: [{ id: 'x', title: 'A title far over twenty characters', next: 'q1' }] } },
        { id: 'l1', type: 'list', data: { text: 'Pick', button: 'Open', sections: [{ title: 'All', rows: Array.from({ length: 11 }, (_, n) => ({ id: `r${n}`, title: `Row ${n}`, next: 'q1' })) }] } },
        { id: 'w1', type: 'wormhole', data: {} },
        { id: 'm1', type: 'message', data: { text: 'Hi', next: 'nowhere' } },
        { id: 'h1', type: 'http', data: { method: 'GET', url: 'https://api.test', next: 'm1' } },
      ])
    )
    assert.isFalse(checked.ok)
    const errors = (checked as { errors: string[] }).errors
    assert.include(errors, 'node q1: a question needs an exit')
    assert.isTrue(errors.some((e) => e.startsWith('node b1: buttons')), errors.join('\n'))
    assert.isTrue(errors.some((e) => e.startsWith('node b2: buttons.0.title')), errors.join('\n'))
    assert.include(errors, 'node l1: sections: a list has at most 10 rows in all its sections (11 given)')
    assert.isTrue(errors.some((e) => e.startsWith('node w1: unknown node type "wormhole"')))
    assert.include(errors, 'node m1: next leads to "nowhere", which is not a node of this flow')
    assert.include(errors, 'node h1: an HTTP request needs an error exit')
  })

  test('a missing start and unreachable nodes are named', async ({ assert }) => {
    const noStart = await checkFlow({ schemaVersion: 1, nodes: welcome })
    assert.deepEqual((noStart as { errors: string[] }).errors, ['start: the flow has no start node (set "start" to a node id)'])
    const island = await checkFlow(doc([...welcome, { id: 'lost', type: 'end', data: {} }]))
    assert.deepEqual((island as { errors: string[] }).errors, ['node lost: unreachable from the start'])
  })

  test('malformed JSON, another schema version and a node without id are refused, not thrown', async ({ assert }) => {
    const broken = await checkFlowJson('{"schemaVersion": 1, "nodes": [')
    assert.match((broken as { errors: string[] }).errors[0], /^The file is not valid JSON/)
    const future = await checkFlow(doc(welcome, { schemaVersion: 2 }))
    assert.isTrue((future as { errors: string[] }).errors.some((e) => e.startsWith('schemaVersion')))
    const anonymous = await checkFlow({ schemaVersion: 1, start: 'a', nodes: [{ type: 'end' }] })
    assert.isTrue((anonymous as { errors: string[] }).errors.some((e) => e.startsWith('nodes.0.id')))
  })

  test('A/B percentages must add up to 100', async ({ assert }) => {
    const checked = await checkFlow(
      doc([
        { id: 'ab', type: 'ab_split', data: { branches: [{ percent: 30, next: 'e' }, { percent: 30, next: 'e' }] } },
        { id: 'e', type: 'end', data: {} },
      ])
    )
    assert.include((checked as { errors: string[] }).errors, 'node ab: branches: the percentages add up to 60, not 100')
  })
})
