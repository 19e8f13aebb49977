import { test } from '@japa/runner'
import { readFileSync } from 'node:fs'
import app from '@adonisjs/core/services/app'
import router from '@adonisjs/core/services/router'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import { DateTime } from 'luxon'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import MessageTemplate from '#messaging/models/message_template'
import { issueApiToken } from '#auth/api_tokens'
import { API_ABILITIES, apiWorkspace } from '#messaging/tests/support'

type Json = Record<string, any>

const API = '/api/v1'

/** The document as a client gets it: no token, no session. */
async function fetchDocument(client: any) {
  const response = await client.get(`${API}/openapi.json`)
  response.assertStatus(200)
  return { response, document: JSON.parse(response.text()) as Json }
}

/** Every /api/v1 route of the router (but the document's own), as its documented path and method. */
function apiRoutes() {
  return Object.values(router.toJSON())
    .flat()
    .filter((route) => route.pattern.startsWith(`${API}/`) && route.pattern !== `${API}/openapi.json`)
    .flatMap((route) =>
      route.methods
        .filter((method) => method !== 'HEAD')
        .map((method) => {
          const middleware = [...route.middleware.all()] as { name?: string; args?: unknown }[]
          return {
            key: `${method} ${route.pattern.slice(API.length).replace(/:(\w+)/g, '{$1}')}`,
            name: route.name,
            ability: middleware.find(({ name }) => name === 'can')?.args,
          }
        })
    )
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete']

function operations(document: Json) {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, path, item, operation: operation as Json }))
  )
}

/** Every node of a JSON value, with where it sits. */
function* walk(node: unknown, at = '#'): Generator<[Json, string]> {
  if (!node || typeof node !== 'object') return
  yield [node as Json, at]
  for (const [key, child] of Object.entries(node)) yield* walk(child, `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`)
}

function resolve(document: Json, pointer: string) {
  return pointer
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<any>((node, key) => node?.[key], document)
}

/**
 * Checks a value against a schema: the subset of JSON Schema 2020-12 the document uses (no
 * validator package in the project). A keyword it does not know fails, so none is skipped silently.
 */
const ANNOTATIONS = ['title', 'description', 'default', 'format', 'discriminator', 'contentMediaType']
const ASSERTIONS = ['$ref', 'type', 'const', 'enum', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'minItems', 'maxItems', 'items', 'required', 'dependentRequired', 'properties', 'additionalProperties', 'allOf', 'anyOf', 'oneOf']

function check(document: Json, schema: Json, value: unknown, at = '$'): string[] {
  const unknown = Object.keys(schema).filter((keyword) => !ANNOTATIONS.includes(keyword) && !ASSERTIONS.includes(keyword))
  if (unknown.length) return [`${at}: the test's validator does not know ${unknown.join(', ')}`]
  if (schema.$ref) return check(document, resolve(document, schema.$ref), value, at)

  const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
  const types: Record<string, (v: unknown) => boolean> = {
    string: (v) => typeof v === 'string',
    integer: (v) => Number.isInteger(v),
    number: (v) => typeof v === 'number',
    boolean: (v) => typeof v === 'boolean',
    null: (v) => v === null,
    array: Array.isArray,
    object: isObject,
  }
  if (schema.type && ![schema.type].flat().some((type: string) => types[type](value))) return [`${at}: not ${[schema.type].flat().join(' or ')}`]
  if ('const' in schema && value !== schema.const) return [`${at}: not ${JSON.stringify(schema.const)}`]
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`]

  const errors: string[] = []
  const fail = (message: string) => errors.push(`${at}: ${message}`)
  if (typeof value === 'string') {
    const length = [...value].length
    if (length < (schema.minLength ?? 0)) fail(`shorter than ${schema.minLength}`)
    if (length > (schema.maxLength ?? Infinity)) fail(`longer than ${schema.maxLength}`)
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) fail(`does not match ${schema.pattern}`)
  }
  if (typeof value === 'number') {
    if (value < (schema.minimum ?? -Infinity)) fail(`below ${schema.minimum}`)
    if (value > (schema.maximum ?? Infinity)) fail(`above ${schema.maximum}`)
  }
  if (Array.isArray(value)) {
    if (value.length < (schema.minItems ?? 0)) fail(`fewer than ${schema.minItems} items`)
    if (value.length > (schema.maxItems ?? Infinity)) fail(`more than ${schema.maxItems} items`)
    if (schema.items) value.forEach((item, index) => errors.push(...check(document, schema.items, item, `${at}[${index}]`)))
  }
  if (isObject(value)) {
    for (const key of schema.required ?? []) if (!(key in value)) fail(`misses ${key}`)
    for (const [key, needed] of Object.entries<string[]>(schema.dependentRequired ?? {})) {
      if (key in value) for (const other of needed) if (!(other in value)) fail(`has ${key} without ${other}`)
    }
    for (const [key, item] of Object.entries(value)) {
      const property = schema.properties?.[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined)
      if (property) errors.push(...check(document, property, item, `${at}.${key}`))
    }
  }
  for (const part of schema.allOf ?? []) errors.push(...check(document, part, value, at))
  const matching = (parts: Json[]) => parts.filter((part) => check(document, part, value, at).length === 0).length
  if (schema.anyOf && matching(schema.anyOf) === 0) fail('matches none of anyOf')
  if (schema.oneOf && matching(schema.oneOf) !== 1) fail(`matches ${matching(schema.oneOf)} of oneOf (one expected)`)
  return errors
}

test.group('API docs: GET /api/v1/openapi.json', () => {
  test('is public JSON: OpenAPI 3.1.0 at the app’s version, bearer tokens, cacheable', async ({ client, assert }) => {
    const { response, document } = await fetchDocument(client)
    assert.match(response.header('content-type') ?? '', /application\/json/)
    assert.match(response.header('cache-control') ?? '', /max-age=\d+/)
    assert.notProperty(response.headers(), 'set-cookie')

    assert.equal(document.openapi, '3.1.0')
    assert.equal(document.info.version, JSON.parse(readFileSync(app.makePath('package.json'), 'utf8')).version)
    assert.deepEqual(document.servers, [{ url: API }])
    assert.equal(document.components.securitySchemes.token.scheme, 'bearer')
    assert.deepEqual(document.security, [{ token: [] }])
    for (const name of ['Unauthorized', 'Forbidden', 'NotFound', 'Unprocessable', 'TooManyRequests']) assert.property(document.components.responses, name)
  })

  test('documents every /api/v1 route of the router, with its method, name and ability, and nothing else', async ({ client, assert }) => {
    const { document } = await fetchDocument(client)
    const documented = new Map(operations(document).map((entry) => [entry.key, entry.operation]))
    const routes = apiRoutes()
    assert.isAbove(routes.length, 2, 'the plugins’ API routes are mounted')

    for (const route of routes) {
      const operation = documented.get(route.key)
      assert.exists(operation, `${route.key} is not documented: add it to its plugin’s API docs fragment (apiDocs.add)`)
      assert.equal(operation!.operationId, route.name?.replace(/^api\.v1\./, ''), `${route.key}: operationId is the route's name`)
      assert.equal(operation!['x-ability'], route.ability, `${route.key}: x-ability is what the route's \`can\` middleware requires`)
      if (route.ability) assert.include(operation!.description, `\`${route.ability}\``)
    }
    const routed = new Set(routes.map(({ key }) => key))
    for (const key of documented.keys()) assert.isTrue(routed.has(key), `${key} is documented but not routed`)
  })

  test('every path parameter is declared and every $ref resolves', async ({ client, assert }) => {
    const { document } = await fetchDocument(client)
    for (const { key, path, item, operation } of operations(document)) {
      const declared = [...(item.parameters ?? []), ...(operation.parameters ?? [])].filter((p: Json) => p.in === 'path').map((p: Json) => p.name)
      assert.sameMembers(declared, [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]), `${key}: path parameters`)
    }
    let references = 0
    for (const [node, at] of walk(document)) {
      const targets = [node.$ref, ...(node.propertyName ? Object.values(node.mapping ?? {}) : [])].filter((target) => typeof target === 'string')
      for (const target of targets) {
        references++
        assert.exists(resolve(document, target), `${at}: ${target} does not resolve`)
      }
    }
    assert.isAbove(references, 50)
  })

  test('every JSON body has examples, and every example is valid against its schema', async ({ client, assert }) => {
    const { document } = await fetchDocument(client)
    for (const { key, operation } of operations(document)) {
      const request = operation.requestBody?.content?.['application/json']
      if (request) assert.isNotEmpty(request.examples, `${key}: request examples`)
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        const body = response.content?.['application/json']
        if (body && status.startsWith('2')) assert.isNotEmpty(body.examples, `${key} ${status}: response example`)
      }
    }

    let checked = 0
    for (const [node, at] of walk(document)) {
      if (!node.schema || !node.examples || typeof node.schema !== 'object') continue
      for (const [name, example] of Object.entries(node.examples as Record<string, { value: unknown }>)) {
        checked++
        assert.deepEqual(check(document, node.schema, example.value), [], `${at}/examples/${name}`)
      }
    }
    assert.isAbove(checked, 40)
  })

  test('the validator catches what it should (a wrong example fails)', async ({ client, assert }) => {
    const { document } = await fetchDocument(client)
    const message = { $ref: '#/components/schemas/OutboundMessage' }
    assert.deepEqual(check(document, message, { type: 'text', text: { body: 'Hi' } }), [])
    assert.isNotEmpty(check(document, message, { type: 'text', text: { body: '' } }))
    assert.isNotEmpty(check(document, message, { type: 'image', image: { caption: 'no file' } }))
    const four = Array.from({ length: 4 }, (_, i) => ({ type: 'reply', reply: { id: `${i}`, title: `${i}` } }))
    assert.isNotEmpty(check(document, message, { type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: four } } }))
    const channel = { $ref: '#/components/schemas/NewChannel' }
    assert.isNotEmpty(check(document, channel, { provider: 'whatsapp-cloud', name: 'x', phoneNumber: '+79001234567' }))
    assert.isNotEmpty(check(document, channel, { provider: 'whatsapp-360dialog', name: 'x', phoneNumber: '+79001234567', apiKey: 'k', webhookHeaderName: 'X-Secret' }))
  })
})

/**
 * `call('METHOD /path', …)`: requests the documented path (`{id}` filled from `ids`) with the
 * token and checks the answer against what the document says of its status.
 */
function caller(client: any, assert: any, document: Json, token: string) {
  return async (key: string, options: { ids?: Record<string, number>; json?: object; qs?: object; auth?: boolean } = {}) => {
    const [method, path] = key.split(' ')
    let request = client[method.toLowerCase()](API + path.replace(/\{(\w+)\}/g, (_: string, name: string) => String(options.ids?.[name])))
    if (options.auth !== false) request = request.bearerToken(token)
    if (options.qs) request = request.qs(options.qs)
    const response = await (options.json ? request.json(options.json) : request)
    let documented = document.paths[path][method.toLowerCase()].responses[response.status()]
    assert.exists(documented, `${key} answered ${response.status()}, which is not documented`)
    if (documented.$ref) documented = resolve(document, documented.$ref)
    const schema = documented.content?.['application/json']?.schema
    if (schema) assert.deepEqual(check(document, schema, response.body()), [], `${key} ${response.status()}`)
    return response
  }
}

const cloud = { provider: 'whatsapp-cloud', name: 'Sales', phoneNumber: '+7 900 123-45-67', phoneNumberId: '1065403522', wabaId: '1022901293', accessToken: 'EAAG-x', appSecret: 'secret' }

/** A messaging workspace whose token may also read the workspace. */
async function setup(client: any, assert: any) {
  const { document } = await fetchDocument(client)
  const { workspace, user } = await apiWorkspace()
  const { secret } = await issueApiToken(user, workspace, 'docs', [...API_ABILITIES, 'workspace.view'])
  return { document, workspace, token: secret, call: caller(client, assert, document, secret) }
}

test.group('API docs: real answers match the documented schemas', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('core and messaging endpoints, successes and errors', async ({ client, assert }) => {
    const { document, workspace, token, call } = await setup(client, assert)
    await call('GET /workspace')
    await call('GET /me')
    ;(await call('GET /workspace', { auth: false })).assertStatus(401)

    // The answer to POST /channels is checked in the next test.
    const channel = (await client.post(`${API}/channels`).bearerToken(token).json(cloud)).body().data
    ;(await call('POST /channels', { json: { ...cloud, accessToken: undefined } })).assertStatus(422)
    await call('GET /channels')
    await call('GET /channels/{id}', { ids: { id: channel.id } })
    await call('PATCH /channels/{id}', { ids: { id: channel.id }, json: { name: 'Sales EU', apiBaseUrl: null } })
    const components = [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Hi {{1}}' }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop' }] }]
    await MessageTemplate.create({ workspaceId: workspace.id, channelId: channel.id, name: 'hello', language: 'en', category: 'UTILITY', status: 'APPROVED', components, syncedAt: DateTime.now() })
    await call('GET /channels/{id}/templates', { ids: { id: channel.id } })
    ;(await call('GET /channels/{id}', { ids: { id: channel.id + 1000 } })).assertStatus(404)

    const contact = (await call('POST /contacts', { json: { name: 'Анна', phone: '+7 (900) 111-22-33', attributes: { tier: 'gold' } } })).body().data
    ;(await call('POST /contacts', { json: { phone: '79001112233' } })).assertStatus(422)
    await call('GET /contacts', { qs: { search: 'анна' } })
    await call('GET /contacts/{id}', { ids: { id: contact.id } })
    await call('PATCH /contacts/{id}', { ids: { id: contact.id }, json: { locale: null, blocked: false } })

    const conversation = await Conversation.create({ workspaceId: workspace.id, contactId: contact.id, channelId: channel.id, status: 'open', lastActivityAt: DateTime.now(), unreadCount: 1 })
    await Message.create({ workspaceId: workspace.id, conversationId: conversation.id, channelId: channel.id, direction: 'inbound', type: 'text', content: { body: 'Hi' }, status: 'received', authorType: 'contact' })
    await call('GET /conversations', { qs: { status: 'open', assignee: 'none' } })
    await call('GET /conversations/{id}', { ids: { id: conversation.id } })
    await call('GET /conversations/{id}/messages', { ids: { id: conversation.id } })
    ;(await call('GET /conversations', { qs: { status: 'lost' } })).assertStatus(422)

    // No message from the customer yet, so the window is closed: refused with the documented text.
    const refused = await call('POST /conversations/{id}/messages', { ids: { id: conversation.id }, json: { type: 'text', text: { body: 'Hi' } } })
    refused.assertStatus(422)
    assert.deepEqual(refused.body(), document.paths['/conversations/{id}/messages'].post.responses[422].content['application/json'].examples.window.value)
    const template = { type: 'template', template: { name: 'x', language: { code: 'en' } } }
    ;(await call('POST /messages', { json: { channelId: channel.id + 1000, to: '+447700900123', ...template } })).assertStatus(422)

    drive.fake()
    try {
      const upload = await client.post(`${API}/media`).bearerToken(token).file('file', Buffer.from('%PDF-1.4'), { filename: 'receipt.pdf', contentType: 'application/pdf' })
      upload.assertStatus(201)
      assert.deepEqual(check(document, document.paths['/media'].post.responses[201].content['application/json'].schema, upload.body()), [])
    } finally {
      drive.restore()
    }
  })

  test('POST /channels answers a whole Channel', async ({ client, assert }) => {
    const { call } = await setup(client, assert)
    ;(await call('POST /channels', { json: cloud })).assertStatus(201)
  })
})
