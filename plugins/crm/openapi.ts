/** The CRM's part of the OpenAPI document (GET /api/v1/openapi.json): its `api` routes of routes.ts, under /crm. */
import { answer, dataOf, errorResponses, json, pageOf, pageParameters, ref, type ApiDocsFragment, type Example } from '#core/api_docs'

type Json = Record<string, any>

const id = { type: 'integer', minimum: 1 }
const idParameter = (what: string, name = 'id') => ({ name, in: 'path', required: true, description: `The ${what}’s id`, schema: id })
const body = (schema: Json, examples: Record<string, Example>) => ({ required: true, content: json(schema, examples) })
const nullable = (schema: Json) => ({ anyOf: [schema, { type: 'null' }] })
const tags = ['CRM']

const contactExample = {
  id: 42,
  phone: '+79001112233',
  name: 'Анна Петрова',
  profileName: 'Anna',
  email: 'anna@example.ru',
  ownerId: 3,
  optIn: { status: 'opted_in', source: 'web form', at: '2025-03-14T09:21:07.512+00:00' },
  tags: [{ id: 7, name: 'VIP' }],
  fields: { plan: 'pro', seats: 12 },
  conversationCount: 2,
  lastSeenAt: '2025-03-14T09:21:07.512+00:00',
  createdAt: '2025-01-02T10:00:00.000+00:00',
}
const filterExample = { match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [7] }, { match: 'any', rules: [{ field: 'cf.plan', op: 'is', value: 'pro' }, { field: 'conversations', op: 'gte', value: 2 }] }] }
const pageExample = { data: [contactExample], meta: { page: 1, perPage: 25, total: 1, lastPage: 1 } }
const contactAnswer = answer('The contact', dataOf(ref('CrmContact')), { data: contactExample })
const listed = answer('A page of contacts, newest first', pageOf(ref('CrmContact')), pageExample)

const rule = { type: 'object', required: ['field', 'op'], properties: { field: { type: 'string', maxLength: 60, description: '`name`, `phone`, `email`, `tags`, `opt_in`, `last_seen`, `created`, `conversations`, `owner`, `cf.<key>`' }, op: { type: 'string', maxLength: 30 }, value: {} } }
const group = (items: Json) => ({ type: 'object', required: ['match', 'rules'], properties: { match: { enum: ['all', 'any'] }, rules: { type: 'array', maxItems: 20, items } } })

export const crmApiDocs: ApiDocsFragment = {
  tags: [{ name: 'CRM', description: 'Contacts with custom fields, tags and the filter language of the contacts list; segments; imports (plugins/crm)' }],
  schemas: {
    CrmContact: {
      type: 'object',
      required: ['id', 'phone', 'name', 'email', 'ownerId', 'optIn', 'tags', 'fields', 'conversationCount', 'createdAt'],
      properties: {
        id,
        phone: { type: 'string', description: 'E.164' },
        name: nullable({ type: 'string' }),
        profileName: nullable({ type: 'string' }),
        email: nullable({ type: 'string' }),
        ownerId: nullable(id),
        optIn: { type: 'object', required: ['status'], properties: { status: { enum: ['unknown', 'opted_in', 'opted_out'] }, source: nullable({ type: 'string' }), at: nullable({ type: 'string' }) } },
        tags: { type: 'array', items: { type: 'object', required: ['id', 'name'], properties: { id, name: { type: 'string' } } } },
        fields: { type: 'object', description: 'Custom values by field key', additionalProperties: true },
        conversationCount: { type: 'integer', minimum: 0 },
        lastSeenAt: nullable({ type: 'string' }),
        createdAt: { type: 'string' },
      },
    },
    CrmFilter: { ...group({ anyOf: [rule, group(rule)] }), description: 'The contacts list’s filter: a group of rules and groups of rules (two levels, ≤ 20 entries each); plugins/crm/README.md lists the fields and operators.' },
    CrmContactInput: {
      type: 'object',
      properties: {
        name: nullable({ type: 'string', maxLength: 200 }),
        email: nullable({ type: 'string', maxLength: 254 }),
        ownerId: nullable(id),
        fields: { type: 'object', description: 'Custom values by key, checked against each field’s type (null clears one)', additionalProperties: true },
      },
    },
    CrmTag: { type: 'object', required: ['id', 'name', 'color'], properties: { id, name: { type: 'string' }, color: { type: 'string', pattern: /^#[0-9a-f]{6}$/.source } } },
    CrmField: {
      type: 'object',
      required: ['key', 'label', 'type', 'options', 'required'],
      properties: {
        key: { type: 'string', pattern: /^[a-z][a-z0-9_]{0,39}$/.source },
        label: { type: 'string', minLength: 1, maxLength: 80 },
        type: { enum: ['text', 'number', 'date', 'boolean', 'select', 'multiselect', 'url', 'email', 'phone'] },
        options: { type: 'array', items: { type: 'string' } },
        required: { type: 'boolean' },
      },
    },
  },
  paths: {
    '/crm/contacts': {
      get: {
        operationId: 'crm.contacts.index',
        tags,
        summary: 'Contacts matching a search and a filter',
        description: '`filter` is the filter JSON (`CrmFilter`) as text; or `segmentId`, not both. A rule naming an unknown field or tag is a 422 on `filter.rules.<i>…`.',
        'x-ability': 'crm.view',
        parameters: [
          { name: 'q', in: 'query', description: 'Name, phone, e-mail or any custom value contains', schema: { type: 'string', maxLength: 100 } },
          { name: 'filter', in: 'query', schema: { type: 'string' } },
          { name: 'segmentId', in: 'query', schema: id },
          ...pageParameters(100, 25),
        ],
        responses: { 200: listed, ...errorResponses(404, 422) },
      },
      post: {
        operationId: 'crm.contacts.store',
        tags,
        summary: 'Create a contact',
        description: 'A new phone in the workspace (a known one is a 422 naming the existing contact) with CRM fields and tags; all checked before anything is written. Announced on `contact.created` and `contact.tagged`.',
        'x-ability': 'crm.edit',
        requestBody: body(
          { allOf: [ref('CrmContactInput'), { type: 'object', required: ['phone'], properties: { phone: { type: 'string', maxLength: 24 }, tagIds: { type: 'array', maxItems: 50, items: id } } }] },
          { create: { value: { phone: '+7 900 111-22-33', name: 'Анна Петрова', email: 'anna@example.ru', ownerId: 3, fields: { plan: 'pro', seats: 12 }, tagIds: [7] } } }
        ),
        responses: { 201: answer('Created', dataOf(ref('CrmContact')), { data: contactExample }), ...errorResponses(422) },
      },
    },
    '/crm/contacts/search': {
      post: {
        operationId: 'crm.contacts.search',
        tags,
        summary: 'Contacts matching a filter given as JSON',
        description: 'The same as `GET /crm/contacts`, with the filter as an object.',
        'x-ability': 'crm.view',
        requestBody: body(
          { type: 'object', properties: { q: { type: 'string', maxLength: 100 }, filter: ref('CrmFilter'), segmentId: id, page: { type: 'integer', minimum: 1 }, perPage: { type: 'integer', minimum: 1, maximum: 100 } } },
          { filter: { value: { filter: filterExample, perPage: 50 } }, segment: { value: { segmentId: 4, page: 2 } } }
        ),
        responses: { 200: listed, ...errorResponses(404, 422) },
      },
    },
    '/crm/contacts/{id}': {
      parameters: [idParameter('contact')],
      get: { operationId: 'crm.contacts.show', tags, summary: 'One contact with its tags and custom fields', 'x-ability': 'crm.view', responses: { 200: contactAnswer, ...errorResponses(404) } },
      patch: {
        operationId: 'crm.contacts.update',
        tags,
        summary: 'Change a contact',
        description: 'Only the fields given change (custom values too); each change is on the contact’s timeline and announced on `contact.updated`.',
        'x-ability': 'crm.edit',
        requestBody: body(ref('CrmContactInput'), { change: { value: { name: 'Анна П.', fields: { seats: 15, plan: null } } } }),
        responses: { 200: contactAnswer, ...errorResponses(404, 422) },
      },
      delete: {
        operationId: 'crm.contacts.destroy',
        tags,
        summary: 'Delete a contact with its conversations',
        description: 'At once (the app’s bulk delete has an undo window; the API has none). Announced on `contact.deleted`.',
        'x-ability': 'crm.delete',
        responses: { 204: { description: 'Deleted' }, ...errorResponses(404) },
      },
    },
    '/crm/contacts/{id}/tags': {
      parameters: [idParameter('contact')],
      post: {
        operationId: 'crm.contacts.tags.store',
        tags,
        summary: 'Tag a contact',
        description: 'Tagging twice is one change. Announced on `contact.tagged`.',
        'x-ability': 'crm.edit',
        requestBody: body({ type: 'object', required: ['tagId'], properties: { tagId: id } }, { tag: { value: { tagId: 7 } } }),
        responses: { 200: contactAnswer, ...errorResponses(404, 422) },
      },
    },
    '/crm/contacts/{id}/tags/{tagId}': {
      parameters: [idParameter('contact'), idParameter('tag', 'tagId')],
      delete: { operationId: 'crm.contacts.tags.destroy', tags, summary: 'Untag a contact', 'x-ability': 'crm.edit', responses: { 200: contactAnswer, ...errorResponses(404) } },
    },
    '/crm/tags': {
      get: { operationId: 'crm.tags.index', tags, summary: 'The workspace’s tags', 'x-ability': 'crm.view', responses: { 200: answer('The tags by name', dataOf({ type: 'array', items: ref('CrmTag') }), { data: [{ id: 7, name: 'VIP', color: '#cc0000' }] }) } },
      post: {
        operationId: 'crm.tags.store',
        tags,
        summary: 'Create a tag',
        description: 'Names are unique in the workspace whatever their case.',
        'x-ability': 'crm.manage',
        requestBody: body({ type: 'object', required: ['name', 'color'], properties: { name: { type: 'string', minLength: 1, maxLength: 60 }, color: { type: 'string', pattern: /^#[0-9a-fA-F]{6}$/.source } } }, { tag: { value: { name: 'VIP', color: '#CC0000' } } }),
        responses: { 201: answer('Created', dataOf(ref('CrmTag')), { data: { id: 7, name: 'VIP', color: '#cc0000' } }), ...errorResponses(422) },
      },
    },
    '/crm/tags/{id}': {
      parameters: [idParameter('tag')],
      delete: { operationId: 'crm.tags.destroy', tags, summary: 'Delete a tag (off every contact)', 'x-ability': 'crm.manage', responses: { 204: { description: 'Deleted' }, ...errorResponses(404) } },
    },
    '/crm/fields': {
      get: {
        operationId: 'crm.fields.index',
        tags,
        summary: 'The workspace’s custom fields',
        'x-ability': 'crm.view',
        responses: { 200: answer('The fields in their order', dataOf({ type: 'array', items: ref('CrmField') }), { data: [{ key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'], required: false }] }) },
      },
      post: {
        operationId: 'crm.fields.store',
        tags,
        summary: 'Create a custom field',
        description: 'Its key and type never change afterwards; select and multiselect need `options`.',
        'x-ability': 'crm.manage',
        requestBody: body(
          { type: 'object', required: ['key', 'label', 'type'], properties: { key: { type: 'string', pattern: /^[a-z][a-z0-9_]{0,39}$/.source }, label: { type: 'string', minLength: 1, maxLength: 80 }, type: { enum: ['text', 'number', 'date', 'boolean', 'select', 'multiselect', 'url', 'email', 'phone'] }, options: { type: 'array', maxItems: 200, items: { type: 'string', minLength: 1, maxLength: 80 } }, required: { type: 'boolean' } } },
          { select: { value: { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] } } }
        ),
        responses: { 201: answer('Created', dataOf(ref('CrmField')), { data: { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'], required: false } }), ...errorResponses(422) },
      },
    },
    '/crm/segments': {
      get: {
        operationId: 'crm.segments.index',
        tags,
        summary: 'Segments (saved filters)',
        'x-ability': 'crm.view',
        responses: {
          200: answer(
            'The segments by name',
            dataOf({ type: 'array', items: { type: 'object', required: ['id', 'name', 'filter'], properties: { id, name: { type: 'string' }, filter: ref('CrmFilter'), createdAt: { type: 'string' } } } }),
            { data: [{ id: 4, name: 'VIP customers', filter: filterExample, createdAt: '2025-03-14T09:21:07.512+00:00' }] }
          ),
        },
      },
    },
    '/crm/segments/{id}/count': {
      parameters: [idParameter('segment')],
      get: {
        operationId: 'crm.segments.count',
        tags,
        summary: 'How many contacts are in a segment now',
        description: 'A 422 when its filter names a field or tag deleted since.',
        'x-ability': 'crm.view',
        responses: { 200: answer('The count', dataOf({ type: 'object', required: ['count'], properties: { count: { type: 'integer', minimum: 0 } } }), { data: { count: 1532 } }), ...errorResponses(404, 422) },
      },
    },
    '/crm/segments/{id}/contacts': {
      parameters: [idParameter('segment')],
      get: { operationId: 'crm.segments.contacts', tags, summary: 'A page of a segment’s members', 'x-ability': 'crm.view', parameters: pageParameters(100, 25), responses: { 200: listed, ...errorResponses(404, 422) } },
    },
    '/crm/imports/{id}': {
      parameters: [idParameter('import')],
      get: {
        operationId: 'crm.imports.show',
        tags,
        summary: 'An import’s status and counters',
        description: 'Imports start in the app (upload, mapping); this follows one from another system.',
        'x-ability': 'crm.import',
        responses: {
          200: answer(
            'The import',
            dataOf({
              type: 'object',
              required: ['id', 'status', 'total', 'processed', 'created', 'updated', 'skipped', 'failed'],
              properties: {
                id,
                filename: { type: 'string' },
                status: { enum: ['draft', 'queued', 'running', 'done', 'failed'] },
                total: { type: 'integer', minimum: 0 },
                processed: { type: 'integer', minimum: 0 },
                created: { type: 'integer', minimum: 0 },
                updated: { type: 'integer', minimum: 0 },
                skipped: { type: 'integer', minimum: 0 },
                failed: { type: 'integer', minimum: 0, description: 'Rows refused (the report in the app lists them)' },
                error: nullable({ type: 'string' }),
                createdAt: { type: 'string' },
                updatedAt: { type: 'string' },
              },
            }),
            { data: { id: 12, filename: 'contacts.csv', status: 'running', total: 10000, processed: 4500, created: 4100, updated: 350, skipped: 0, failed: 50, error: null, createdAt: '2025-03-14T09:21:07.512+00:00', updatedAt: '2025-03-14T09:21:37.512+00:00' } }
          ),
          ...errorResponses(404),
        },
      },
    },
  },
}
