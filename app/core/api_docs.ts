/**
 * The API's machine-readable contract (OpenAPI 3.1), served at GET /api/v1/openapi.json.
 * The core documents its own endpoints here; each plugin adds a fragment for its API routes
 * from its `setup()` (`apiDocs.add(...)`). tests/functional/api_docs.spec.ts fails when a
 * route under /api/v1 is not documented. docs/api.md is the same contract in prose.
 */
import { readFileSync } from 'node:fs'
import app from '@adonisjs/core/services/app'
import { ROLES } from '#access/roles'

type Json = Record<string, any>
export type Example = { summary?: string; value: unknown }

export interface ApiDocsFragment {
  /** Paths relative to the server URL /api/v1 (`/channels/{id}`); each operation may name its `x-ability`. */
  paths?: Record<string, Json>
  /** Components under #/components/schemas, referenced with `ref(name)`. */
  schemas?: Record<string, Json>
  tags?: { name: string; description?: string }[]
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options']

/** Reusable error answers (#/components/responses), by status. */
const ERROR_RESPONSES = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  422: 'Unprocessable',
  429: 'TooManyRequests',
} as const
type ErrorStatus = keyof typeof ERROR_RESPONSES

export const ref = (schema: string) => ({ $ref: `#/components/schemas/${schema}` })

/** `{ data: … }`, the body of every success. */
export const dataOf = (schema: Json) => ({ type: 'object', required: ['data'], properties: { data: schema } })

/** A paginated list: `{ data: [...], meta: { page, perPage, total, lastPage } }`. */
export const pageOf = (schema: Json) => ({
  type: 'object',
  required: ['data', 'meta'],
  properties: { data: { type: 'array', items: schema }, meta: ref('PageMeta') },
})

/** The shared error responses an operation may answer (401, 403 and 429 are added to every token operation). */
export const errorResponses = (...statuses: ErrorStatus[]) =>
  Object.fromEntries(statuses.map((status) => [status, { $ref: `#/components/responses/${ERROR_RESPONSES[status]}` }]))

/** A JSON media type; the examples are checked against the schema by tests/functional/api_docs.spec.ts. */
export const json = (schema: Json, examples: Record<string, Example>) => ({ 'application/json': { schema, examples } })

/** A success answer with one example body. */
export const answer = (description: string, schema: Json, value: unknown) => ({ description, content: json(schema, { example: { value } }) })

/** `?page=&perPage=` of a paginated list. */
export const pageParameters = (maxPerPage: number, defaultPerPage: number) => [
  { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
  { name: 'perPage', in: 'query', schema: { type: 'integer', minimum: 1, maximum: maxPerPage, default: defaultPerPage } },
]

const errorBody = (message: string) => ({ errors: [{ message }] })

const CORE: ApiDocsFragment = {
  tags: [{ name: 'Workspace', description: 'The token’s workspace and owner' }],
  paths: {
    '/workspace': {
      get: {
        operationId: 'workspace.show',
        tags: ['Workspace'],
        summary: 'The token’s workspace',
        'x-ability': 'workspace.view',
        responses: {
          200: answer('The workspace', dataOf(ref('Workspace')), { data: { id: 1, slug: 'acme', name: 'Acme', timezone: 'Europe/Moscow', locale: 'ru' } }),
        },
      },
    },
    '/me': {
      get: {
        operationId: 'me',
        tags: ['Workspace'],
        summary: 'The token’s owner, their role in the workspace and the token’s abilities',
        responses: {
          200: answer('The owner', dataOf(ref('Me')), { data: { id: 3, fullName: 'Ada', email: 'ada@example.com', role: 'admin', abilities: ['workspace.view'] } }),
        },
      },
    },
  },
  schemas: {
    Workspace: {
      type: 'object',
      required: ['id', 'slug', 'name', 'timezone', 'locale'],
      properties: {
        id: { type: 'integer' },
        slug: { type: 'string' },
        name: { type: 'string' },
        timezone: { type: 'string', description: 'IANA zone' },
        locale: { type: 'string' },
      },
    },
    Me: {
      type: 'object',
      required: ['id', 'fullName', 'email', 'role', 'abilities'],
      properties: {
        id: { type: 'integer' },
        fullName: { type: 'string' },
        email: { type: 'string', format: 'email' },
        role: { enum: [...ROLES], description: 'The owner’s current role in the workspace' },
        abilities: { type: 'array', items: { type: 'string' }, description: 'What the token lists; the role narrows it further' },
      },
    },
    Errors: {
      type: 'object',
      required: ['errors'],
      properties: {
        errors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['message'],
            properties: {
              message: { type: 'string' },
              field: { type: 'string', description: 'The input field at fault, dotted (`interactive.action.buttons.0.reply.title`)' },
              rule: { type: 'string', description: 'The validation rule that failed (validation errors only)' },
              meta: { type: 'object' },
            },
          },
        },
      },
    },
    PageMeta: {
      type: 'object',
      required: ['page', 'perPage', 'total', 'lastPage'],
      properties: {
        page: { type: 'integer', minimum: 1 },
        perPage: { type: 'integer', minimum: 1 },
        total: { type: 'integer', minimum: 0 },
        lastPage: { type: 'integer', minimum: 1 },
      },
    },
  },
}

const errorResponse = (description: string, examples: Record<string, Json>, headers?: Json) => ({
  description,
  ...(headers ? { headers } : {}),
  content: json(ref('Errors'), Object.fromEntries(Object.entries(examples).map(([name, value]) => [name, { value }]))),
})

const RESPONSES: Record<(typeof ERROR_RESPONSES)[ErrorStatus], Json> = {
  Unauthorized: errorResponse('Missing, invalid or revoked token, or its owner lost access to the workspace', {
    token: errorBody('Invalid or missing API token'),
    access: errorBody('This token no longer has access to its workspace'),
  }),
  Forbidden: errorResponse('The token or its owner’s role lacks the ability', { ability: errorBody('Your role may not do this (workspace.view)') }),
  NotFound: errorResponse('No such record in this workspace, or the plugin behind the route is off in it', {
    record: errorBody('Row not found'),
    pluginOff: errorBody('Cannot GET:/api/v1/…'),
  }),
  Unprocessable: errorResponse('Invalid input (`field` and `rule` name it), or a request refused with its reason (`field` when one is at fault)', {
    validation: { errors: [{ message: 'The name field must be defined', rule: 'required', field: 'name' }] },
    refusal: { errors: [{ message: 'phone: a contact with +79001112233 already exists (id 12)', field: 'phone' }] },
  }),
  TooManyRequests: errorResponse(
    'Rate limited: retry after the number of seconds in Retry-After',
    { limited: errorBody('Too many requests') },
    { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } }
  ),
}

let version: string | undefined
const appVersion = () => (version ??= JSON.parse(readFileSync(app.makePath('package.json'), 'utf8')).version as string)

class ApiDocs {
  #paths: Record<string, Json> = {}
  #schemas: Record<string, Json> = {}
  #tags: NonNullable<ApiDocsFragment['tags']> = []

  /** Merges a fragment. Like the router, refuses an operation or a schema defined twice. */
  add(fragment: ApiDocsFragment) {
    for (const [path, item] of Object.entries(fragment.paths ?? {})) {
      const existing = (this.#paths[path] ??= {})
      for (const [method, operation] of Object.entries(item)) {
        if (existing[method]) throw new Error(`API docs: ${method.toUpperCase()} ${path} is documented twice`)
        existing[method] = operation
      }
    }
    for (const [name, schema] of Object.entries(fragment.schemas ?? {})) {
      if (this.#schemas[name]) throw new Error(`API docs: the schema ${name} is defined twice`)
      this.#schemas[name] = schema
    }
    for (const tag of fragment.tags ?? []) if (!this.#tags.some(({ name }) => name === tag.name)) this.#tags.push(tag)
  }

  /**
   * The whole document. The API's conventions are applied here, once: every operation is
   * token-protected (401, 429), and one with an `x-ability` says so and may answer 403.
   */
  document(info: { title?: string; description?: string } = {}) {
    const paths = structuredClone(this.#paths)
    for (const item of Object.values(paths)) {
      for (const [method, operation] of Object.entries(item as Json)) {
        if (!METHODS.includes(method)) continue
        const ability = operation['x-ability']
        if (ability) operation.description = [operation.description, `Requires the \`${ability}\` ability.`].filter(Boolean).join('\n\n')
        operation.responses = { ...operation.responses, ...errorResponses(401, ...(ability ? ([403] as const) : []), 429) }
      }
    }
    return {
      openapi: '3.1.0',
      info: {
        title: info.title ?? 'Switchboard API',
        version: appVersion(),
        description:
          info.description ??
          'Workspace-scoped REST API. A personal token (`Authorization: Bearer sb_…`) belongs to one workspace; a request may do what ' +
            'the token’s abilities **and** its owner’s current role allow. Successes answer `{ "data": … }`, errors `{ "errors": [{ "message", "field"? }] }`. ' +
            'Prose and examples: docs/api.md.',
      },
      servers: [{ url: '/api/v1' }],
      security: [{ token: [] }],
      tags: structuredClone(this.#tags),
      paths,
      components: {
        securitySchemes: {
          token: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'sb_…',
            description: 'A personal API token (Workspace settings → API tokens, or `node ace token:create --workspace <slug> --name <label>`)',
          },
        },
        schemas: structuredClone(this.#schemas),
        responses: structuredClone(RESPONSES),
      },
    }
  }
}

export const apiDocs = new ApiDocs()
apiDocs.add(CORE)
