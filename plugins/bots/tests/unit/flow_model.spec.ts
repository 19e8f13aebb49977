import { test } from '@japa/runner'
import { documentForSave, layeredLayout, problemsByNode, setPath } from '#bots/resources/editor/flow_model'
import { checkFlow } from '#bots/services/flow_schema'

/** The editor's model functions (resources/editor/flow_model.js), which the browser bundles. */
test.group('Bots: the editor model', () => {
  test('what the editor saves passes the import: empty optional fields go, rule values get their types', async ({ assert }) => {
    const flow = {
      schemaVersion: 1,
      name: 'Budget',
      trigger: { type: 'keyword', keywords: ['hi'], pattern: '' },
      start: 'q',
      nodes: [
        { id: 'q', type: 'question', position: { x: 10.4, y: 0 }, data: { text: 'Budget?', kind: 'number', saveTo: '', retryText: '', maxRetries: '', next: 'c' } },
        {
          id: 'c',
          type: 'condition',
          position: { x: 300, y: 0 },
          data: {
            branches: [
              { match: 'all', rules: [{ subject: 'vars.budget', operator: 'gte', value: '1000' }], next: 'e' },
              { match: 'any', rules: [{ subject: 'time', operator: 'between', value: '09:00, 17:30' }, { subject: 'vars.x', operator: 'exists', value: 'ignored' }], next: 'e' },
            ],
            else: 'e',
          },
        },
        { id: 'e', type: 'end', position: { x: 600, y: 0 }, data: { message: '' } },
      ],
    }
    const saved = documentForSave(flow)
    assert.deepEqual(saved.nodes[0], { id: 'q', type: 'question', position: { x: 10, y: 0 }, data: { text: 'Budget?', kind: 'number', next: 'c' } })
    assert.deepEqual(saved.nodes[1].data.branches[0].rules[0].value, 1000)
    assert.deepEqual(saved.nodes[1].data.branches[1].rules.map((rule: any) => rule.value), [['09:00', '17:30'], undefined])
    assert.deepEqual(saved.nodes[2].data, {})
    assert.deepEqual(saved.trigger, { type: 'keyword', keywords: ['hi'] })
    assert.isTrue((await checkFlow(JSON.parse(JSON.stringify(saved)))).ok)
  })

  test('layered layout: columns by distance from the start, unreachable nodes last; exits set by path', ({ assert }) => {
    const flow = {
      start: 'a',
      nodes: [
        { id: 'lost', type: 'end', position: { x: 0, y: 0 }, data: {} },
        { id: 'c', type: 'end', position: { x: 0, y: 0 }, data: {} },
        { id: 'a', type: 'buttons', position: { x: 0, y: 0 }, data: { text: 'x', buttons: [{ id: '1', title: 'One', next: 'b' }, { id: '2', title: 'Two', next: 'c' }] } },
        { id: 'b', type: 'message', position: { x: 0, y: 0 }, data: { text: 'y', next: 'c' } },
      ],
    }
    layeredLayout(flow, { column: 100, row: 50 })
    const at = Object.fromEntries(flow.nodes.map((node) => [node.id, node.position]))
    assert.deepEqual(at, { a: { x: 40, y: 40 }, b: { x: 140, y: 40 }, c: { x: 140, y: 90 }, lost: { x: 240, y: 40 } })
    setPath(flow.nodes[2].data, 'buttons.1.next', undefined)
    assert.notProperty(flow.nodes[2].data.buttons![1], 'next')
  })

  test('the server problems are grouped by the node they name', ({ assert }) => {
    assert.deepEqual(problemsByNode(['node q1: a question needs an exit', 'start: "x" is not a node of this flow', 'node q1: text: required']), {
      byNode: { q1: ['a question needs an exit', 'text: required'] },
      general: ['start: "x" is not a node of this flow'],
    })
  })
})
