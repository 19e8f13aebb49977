/** The bots' part of the OpenAPI document (GET /api/v1/openapi.json): its `api` routes of routes.ts. */
import { answer, dataOf, errorResponses, json, pageOf, pageParameters, ref, type ApiDocsFragment } from '#core/api_docs'

const id = { type: 'integer', minimum: 1 }
const flowId = { name: 'id', in: 'path', required: true, description: 'The flow’s id', schema: id }
const timestamp = { type: 'string', format: 'date-time' }

/** A small flow, as exported and imported (docs/bot-flow-schema.md). */
const DOCUMENT = {
  schemaVersion: 1,
  name: 'Order status',
  trigger: { type: 'keyword', keywords: ['order'], match: 'contains' },
  start: 'ask',
  nodes: [
    { id: 'ask', type: 'question', position: { x: 0, y: 0 }, data: { text: 'Your order number?', kind: 'text', saveTo: 'vars.order', next: 'bye' } },
    { id: 'bye', type: 'end', position: { x: 300, y: 0 }, data: { message: 'Thanks, we are looking up {{vars.order}}.' } },
  ],
}
const version = (state: string, number: number, withDocument: boolean) => ({
  id: 40 + number,
  number,
  state,
  publishedAt: state === 'published' ? '2026-11-30T10:00:00.000+00:00' : null,
  updatedAt: '2026-11-30T10:00:00.000+00:00',
  ...(withDocument ? { document: DOCUMENT } : {}),
})
const FLOW = (withDocuments: boolean) => ({
  id: 5,
  name: 'Order status',
  enabled: true,
  trigger: DOCUMENT.trigger,
  sessions: { started: 120, completed: 97, handedOff: 11 },
  published: version('published', 1, withDocuments),
  draft: version('draft', 2, withDocuments),
  createdAt: '2026-11-29T08:00:00.000+00:00',
  updatedAt: '2026-11-30T10:00:00.000+00:00',
})
const documentBody = (extra: Record<string, unknown>, example: Record<string, unknown>) =>
  json({ type: 'object', required: ['document'], properties: { ...extra, document: ref('BotFlowDocument') } }, { example: { value: example } })
const REFUSED = { errors: [{ field: 'document', message: 'nodes[0] (id ask): text: the question needs a text' }] }

export const botsApiDocs: ApiDocsFragment = {
  tags: [{ name: 'Bots', description: 'Bot flows (plugins/bots, docs/bot-flow-schema.md)' }],
  schemas: {
    BotFlowDocument: {
      type: 'object',
      description: 'A flow as JSON, docs/bot-flow-schema.md: checked node by node on import (a 422 names the node).',
      required: ['schemaVersion', 'start', 'nodes'],
      properties: {
        schemaVersion: { const: 1 },
        name: { type: 'string', maxLength: 120 },
        trigger: { type: 'object', required: ['type'], properties: { type: { enum: ['manual', 'keyword', 'regex', 'new_contact', 'payload', 'referral', 'any'] } } },
        start: { type: 'string' },
        nodes: {
          type: 'array',
          items: { type: 'object', required: ['id', 'type', 'data'], properties: { id: { type: 'string' }, type: { type: 'string' }, data: { type: 'object' } } },
        },
      },
    },
    BotFlowVersion: {
      type: 'object',
      required: ['id', 'number', 'state', 'publishedAt', 'updatedAt'],
      properties: {
        id,
        number: id,
        state: { enum: ['draft', 'published', 'archived'] },
        publishedAt: { type: ['string', 'null'], format: 'date-time' },
        updatedAt: timestamp,
        document: ref('BotFlowDocument'),
      },
    },
    BotFlow: {
      type: 'object',
      description: 'A flow, its live (`published`) and `draft` versions (with their documents in the detail, not in the list) and its counters.',
      required: ['id', 'name', 'enabled', 'trigger', 'sessions', 'published', 'draft', 'createdAt', 'updatedAt'],
      properties: {
        id,
        name: { type: 'string' },
        enabled: { type: 'boolean' },
        trigger: { type: 'object', required: ['type'] },
        sessions: {
          type: 'object',
          required: ['started', 'completed', 'handedOff'],
          properties: { started: { type: 'integer', minimum: 0 }, completed: { type: 'integer', minimum: 0 }, handedOff: { type: 'integer', minimum: 0 } },
        },
        published: { anyOf: [ref('BotFlowVersion'), { type: 'null' }] },
        draft: { anyOf: [ref('BotFlowVersion'), { type: 'null' }] },
        createdAt: timestamp,
        updatedAt: timestamp,
      },
    },
  },
  paths: {
    '/bots/flows': {
      get: {
        operationId: 'bots.flows.index',
        tags: ['Bots'],
        summary: 'The flows',
        description: 'The workspace’s flows by id, with their live and draft versions (without documents). Ability `bots.view`.',
        'x-ability': 'bots.view',
        parameters: pageParameters(100, 25),
        responses: {
          200: answer('A page of flows', pageOf(ref('BotFlow')), { data: [FLOW(false)], meta: { page: 1, perPage: 25, total: 1, lastPage: 1 } }),
          ...errorResponses(422),
        },
      },
      post: {
        operationId: 'bots.flows.store',
        tags: ['Bots'],
        summary: 'Import a new flow',
        description:
          'A new flow from a document (docs/bot-flow-schema.md), its first version a draft, its trigger switched off. `name` when the document has none (or to name it otherwise). 422 with every problem, each naming its node (`field: document`), or a taken name (`field: name`). Ability `bots.manage`.',
        'x-ability': 'bots.manage',
        requestBody: { required: true, content: documentBody({ name: { type: 'string', minLength: 1, maxLength: 120 } }, { document: DOCUMENT }) },
        responses: {
          201: answer('Imported', dataOf(ref('BotFlow')), { data: { ...FLOW(true), enabled: false, published: null, draft: version('draft', 1, true) } }),
          422: { description: 'The document’s problems, each naming its node', content: json({ $ref: '#/components/schemas/Errors' }, { refused: { value: REFUSED } }) },
        },
      },
    },
    '/bots/flows/{id}': {
      parameters: [flowId],
      get: {
        operationId: 'bots.flows.show',
        tags: ['Bots'],
        summary: 'One flow with its documents',
        description: 'The flow, its live and draft versions with their documents. Ability `bots.view`.',
        'x-ability': 'bots.view',
        responses: { 200: answer('The flow', dataOf(ref('BotFlow')), { data: FLOW(true) }), ...errorResponses(404) },
      },
      patch: {
        operationId: 'bots.flows.update',
        tags: ['Bots'],
        summary: 'Rename a flow',
        description: 'A new `name`, unique in the workspace whatever its case (422 otherwise). Running sessions are not affected. Ability `bots.manage`.',
        'x-ability': 'bots.manage',
        requestBody: {
          required: true,
          content: json({ type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 120 } } }, { rename: { value: { name: 'Welcome (new)' } } }),
        },
        responses: { 200: answer('The renamed flow', dataOf(ref('BotFlow')), { data: FLOW(true) }), ...errorResponses(404, 422) },
      },
    },
    '/bots/flows/{id}/draft': {
      parameters: [flowId],
      put: {
        operationId: 'bots.flows.draft',
        tags: ['Bots'],
        summary: 'Replace the draft',
        description:
          'The document becomes the flow’s draft: the draft is rewritten, or (only a published version) a new version is numbered; what runs changes on publish. A document’s `name` is ignored, its `trigger` replaces the flow’s. 422 as for an import. Ability `bots.manage`.',
        'x-ability': 'bots.manage',
        requestBody: { required: true, content: documentBody({}, { document: DOCUMENT }) },
        responses: {
          200: answer('The flow with its new draft', dataOf(ref('BotFlow')), { data: FLOW(true) }),
          ...errorResponses(404),
          422: { description: 'The document’s problems, each naming its node', content: json({ $ref: '#/components/schemas/Errors' }, { refused: { value: REFUSED } }) },
        },
      },
    },
    '/bots/flows/{id}/export': {
      parameters: [flowId],
      get: {
        operationId: 'bots.flows.export',
        tags: ['Bots'],
        summary: 'A version’s document',
        description: 'The document of a version (`?version=` its id; default the published one, else the draft), as an import accepts it. Ability `bots.view`.',
        'x-ability': 'bots.view',
        parameters: [{ name: 'version', in: 'query', schema: id }],
        responses: { 200: answer('The document', dataOf(ref('BotFlowDocument')), { data: DOCUMENT }), ...errorResponses(404, 422) },
      },
    },
    '/bots/flows/{id}/publish': {
      parameters: [flowId],
      post: {
        operationId: 'bots.flows.publish',
        tags: ['Bots'],
        summary: 'Publish the draft',
        description: 'The draft goes live for new sessions (running ones finish on their version); the live one is archived. 422 without a draft. Ability `bots.manage`.',
        'x-ability': 'bots.manage',
        responses: { 200: answer('The flow', dataOf(ref('BotFlow')), { data: { ...FLOW(true), draft: null } }), ...errorResponses(404, 422) },
      },
    },
    '/bots/flows/{id}/stats': {
      parameters: [flowId],
      get: {
        operationId: 'bots.flows.stats',
        tags: ['Bots'],
        summary: 'The flow’s numbers',
        description: 'Sessions started, completed and handed off, and per node how many entered it and stopped there (idle, or a person took over). Ability `bots.view`.',
        'x-ability': 'bots.view',
        responses: {
          200: answer(
            'The numbers',
            dataOf({
              type: 'object',
              required: ['started', 'completed', 'handedOff', 'nodes'],
              properties: {
                started: { type: 'integer', minimum: 0 },
                completed: { type: 'integer', minimum: 0 },
                handedOff: { type: 'integer', minimum: 0 },
                nodes: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['nodeId', 'type', 'entered', 'dropped', 'dropRate'],
                    properties: { nodeId: { type: 'string' }, type: { type: ['string', 'null'] }, entered: { type: 'integer' }, dropped: { type: 'integer' }, dropRate: { type: 'integer', minimum: 0, maximum: 100 } },
                  },
                },
              },
            }),
            { data: { started: 120, completed: 97, handedOff: 11, nodes: [{ nodeId: 'ask', type: 'question', entered: 120, dropped: 12, dropRate: 10 }] } }
          ),
          ...errorResponses(404),
        },
      },
    },
    '/bots/sessions': {
      post: {
        operationId: 'bots.sessions.store',
        tags: ['Bots'],
        summary: 'Start a flow in a conversation',
        description:
          'Runs the flow’s published version in the conversation (whether or not its trigger is on) until it waits for an answer or ends. `variables` are the flow’s `{{vars.*}}`. 422 when the flow has no published version or a bot session holds the conversation.',
        'x-ability': 'bots.manage',
        requestBody: {
          required: true,
          content: json(
            {
              type: 'object',
              required: ['flowId', 'conversationId'],
              properties: {
                flowId: id,
                conversationId: id,
                variables: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
              },
            },
            { start: { value: { flowId: 5, conversationId: 318, variables: { orderId: 'A-1042' } } } }
          ),
        },
        responses: {
          201: answer(
            'Started',
            dataOf({ type: 'object', required: ['sessionId', 'flowId', 'conversationId'], properties: { sessionId: id, flowId: id, conversationId: id } }),
            { data: { sessionId: 77, flowId: 5, conversationId: 318 } }
          ),
          ...errorResponses(404, 422),
        },
      },
    },
  },
}
