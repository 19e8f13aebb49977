/** The marketplace's part of the OpenAPI document: /api/v1/marketplace (start/routes.ts). */
import { answer, dataOf, errorResponses, json, ref, type ApiDocsFragment } from '#core/api_docs'
import { CATEGORIES, type Capability } from '#marketplace/manifest'

const ABILITY = 'marketplace.manage'
const TAG = 'Marketplace'
const packageParameter = { name: 'package', in: 'path', required: true, schema: { type: 'string' }, description: 'Reverse-DNS package id' }
const CAPABILITIES: Capability[] = ['log', 'settings', 'kv', 'records', 'messages', 'http', 'sleep']

const installation = {
  package: 'com.acme.auto-tag',
  version: '1.0.0',
  status: 'active',
  grants: ['log', 'settings', 'records'],
  settings: { keyword: 'price', tag: 'lead' },
  secrets: [],
  faults: 0,
  lastFault: null,
  installedAt: '2026-12-01T08:00:00.000+00:00',
}

const operation = (operationId: string, summary: string, description: string, extra: Record<string, unknown>) => ({
  operationId: `marketplace.${operationId}`,
  tags: [TAG],
  summary,
  description,
  'x-ability': ABILITY,
  ...extra,
})

export const marketplaceApiDocs: ApiDocsFragment = {
  tags: [{ name: TAG, description: 'Sandboxed third-party packages installed per workspace (docs/marketplace.md)' }],
  paths: {
    '/marketplace/packages': {
      get: operation('packages.index', 'Browse the catalogue', 'Packages of this instance’s registry and the registries it reads, newest installable version each; blocked packages are left out.', {
        parameters: [
          { name: 'q', in: 'query', schema: { type: 'string', maxLength: 100 }, description: 'Words of the id, name or description' },
          { name: 'category', in: 'query', schema: { enum: [...CATEGORIES] } },
        ],
        responses: {
          200: answer('Packages', dataOf({ type: 'array', items: ref('MarketplacePackage') }), {
            data: [{ id: 'com.acme.auto-tag', name: 'Auto-tag', description: 'Tags a contact when a message has a keyword.', category: 'crm', publisher: 'Acme', version: '1.0.0', deprecated: null }],
          }),
          ...errorResponses(422),
        },
      }),
    },
    '/marketplace/packages/{package}': {
      parameters: [packageParameter],
      get: operation('packages.show', 'A package', 'Its manifest, what it may do in plain words, and its versions.', {
        responses: {
          200: answer(
            'The package',
            dataOf({ type: 'object', required: ['id', 'manifest', 'capabilities', 'versions'], properties: { id: { type: 'string' }, publisher: { type: ['string', 'null'] }, deprecated: { type: ['string', 'null'] }, manifest: { type: 'object' }, capabilities: { type: 'array', items: { type: 'string' } }, versions: { type: 'array', items: { type: 'object' } } } }),
            {
              data: {
                id: 'com.acme.auto-tag',
                publisher: 'Acme',
                deprecated: null,
                manifest: { id: 'com.acme.auto-tag', version: '1.0.0' },
                capabilities: ['Read your contacts (names, phone numbers, tags)', 'Add tags to your contacts'],
                versions: [{ version: '1.0.0', yanked: false, keyId: '3f2a9c0d1e4b5a67', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }],
              },
            }
          ),
          ...errorResponses(404),
        },
      }),
    },
    '/marketplace/installations': {
      get: operation('installations.index', 'Installed packages', 'What this workspace has installed.', {
        responses: { 200: answer('Installations', dataOf({ type: 'array', items: ref('MarketplaceInstallation') }), { data: [installation] }) },
      }),
    },
    '/marketplace/installations/{package}': {
      parameters: [packageParameter],
      get: operation('installations.show', 'One installation', 'With its run-time state in this process (faults, log lines).', {
        responses: { 200: answer('The installation', dataOf(ref('MarketplaceInstallation')), { data: { ...installation, runtime: null } }), ...errorResponses(404) },
      }),
      post: operation(
        'installations.store',
        'Install or upgrade',
        'Installs the package in this workspace (or upgrades it) with every capability it asks for. `consent: true` stands for the admin’s consent screen and is needed to install; an upgrade that widens what the package may do answers 409 `consent_required` with the `added` and `removed` lines unless `consent` is true. The archive is verified against the organization’s trusted publisher keys: 422 with the reason (`unknown_signer`, `tampered`, `downgrade`, …) when it does not.',
        {
          requestBody: {
            required: true,
            content: json(
              { type: 'object', properties: { version: { type: 'string' }, consent: { type: 'boolean' } } },
              { install: { value: { consent: true } }, upgrade: { value: { version: '1.1.0', consent: true } } }
            ),
          },
          responses: {
            200: answer('Installed', dataOf(ref('MarketplaceInstallation')), { data: installation }),
            409: { description: 'Installed already, or the upgrade needs consent again', content: json(ref('Errors'), { consent: { value: { errors: [{ message: 'This version asks for more than the installed one: consent is needed again' }] } } }) },
            ...errorResponses(404, 422),
          },
        }
      ),
      delete: operation('installations.destroy', 'Uninstall', 'Removes the package from this workspace; `?deleteData=true` deletes its stored data too.', {
        parameters: [{ name: 'deleteData', in: 'query', schema: { type: 'boolean' } }],
        responses: { 204: { description: 'Uninstalled' }, ...errorResponses(404) },
      }),
    },
    '/marketplace/installations/{package}/settings': {
      parameters: [packageParameter],
      put: operation('installations.settings', 'Settings and secrets', 'Settings as the manifest’s schema declares them; secrets are write-only (stored encrypted, answered by name only).', {
        requestBody: {
          required: true,
          content: json(
            { type: 'object', properties: { settings: { type: 'object' }, secrets: { type: 'object', additionalProperties: { type: 'string' } } } },
            { settings: { value: { settings: { keyword: 'price', tag: 'lead' } } }, secrets: { value: { secrets: { API_KEY: 'sk_live_…' } } } }
          ),
        },
        responses: { 200: answer('Saved', dataOf(ref('MarketplaceInstallation')), { data: installation }), ...errorResponses(404, 422) },
      }),
    },
    '/marketplace/installations/{package}/status': {
      parameters: [packageParameter],
      put: operation('installations.status', 'Enable or disable', 'Enabling forgets its faults and verifies the archive again (a mismatch quarantines it).', {
        requestBody: { required: true, content: json({ type: 'object', required: ['enabled'], properties: { enabled: { type: 'boolean' } } }, { disable: { value: { enabled: false } } }) },
        responses: { 200: answer('Changed', dataOf(ref('MarketplaceInstallation')), { data: { ...installation, status: 'disabled' } }), ...errorResponses(404, 422) },
      }),
    },
  },
  schemas: {
    MarketplacePackage: {
      type: 'object',
      required: ['id', 'name', 'description', 'category', 'version'],
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        description: { type: 'string' },
        category: { enum: [...CATEGORIES] },
        publisher: { type: ['string', 'null'] },
        version: { type: 'string' },
        deprecated: { type: ['string', 'null'] },
      },
    },
    MarketplaceInstallation: {
      type: 'object',
      required: ['package', 'version', 'status', 'grants', 'settings', 'secrets', 'faults'],
      properties: {
        package: { type: 'string' },
        version: { type: 'string' },
        status: { enum: ['active', 'disabled', 'quarantined', 'failing'] },
        grants: { type: 'array', items: { enum: CAPABILITIES } },
        settings: { type: 'object' },
        secrets: { type: 'array', items: { type: 'string' }, description: 'Names of the secrets set; values are never answered' },
        faults: { type: 'integer', minimum: 0 },
        lastFault: { type: ['string', 'null'] },
        installedAt: { type: 'string' },
        runtime: { type: ['object', 'null'] },
      },
    },
  },
}
