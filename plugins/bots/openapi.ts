/** The bots' part of the OpenAPI document (GET /api/v1/openapi.json): its `api` routes of routes.ts. */
import { answer, dataOf, errorResponses, json, type ApiDocsFragment } from '#core/api_docs'

const id = { type: 'integer', minimum: 1 }

export const botsApiDocs: ApiDocsFragment = {
  tags: [{ name: 'Bots', description: 'Bot flows (plugins/bots, docs/bot-flow-schema.md)' }],
  paths: {
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
