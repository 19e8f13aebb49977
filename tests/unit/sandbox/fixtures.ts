import type { Group } from '@japa/runner/core'
import { hooks } from '#hooks/bus'
import { defineTestHook } from '#tests/helpers/hooks'
import { requestedCapabilities, type Manifest } from '#marketplace/manifest'
import { marketplace, type InstallOptions } from '#marketplace/runtime'
import { manifestOf } from '../marketplace/fixtures.js'
import { clearMarketplaceMetrics } from '#tests/helpers/marketplace'

/** A hook of the tests' own, so no plugin's tap runs beside the packages'. */
export const HOOK = 'test.sandboxEvent'

/** Defines HOOK once, starts without metrics left in Redis, and forgets the group's installations after it. */
export function useSandboxHook(group: Group) {
  group.setup(async () => {
    defineTestHook(HOOK, 'A test event for sandboxed taps.')
    await clearMarketplaceMetrics()
    return () => marketplace.clear()
  })
}

export const emit = (payload: { workspaceId: number } & Record<string, unknown>) => hooks.emit(HOOK as never, payload as never)

/** A script whose HOOK handler is `body`, importing `imports` from the platform API. */
export const handler = (body: string, imports = 'log') => `import { ${imports} } from 'switchboard:api'\nexport default { async '${HOOK}'(event) { ${body} } }`

let packages = 0

/**
 * Installs `script` as a new package (its own id, so no two tests share an isolate) in a
 * workspace, granted everything its manifest asks for; `call` runs its HOOK handler through the
 * runner process and answers what it returned.
 */
export function installScript(script: string, overrides: Partial<Manifest> = {}, options: Partial<Omit<InstallOptions, 'pkg'>> = {}) {
  const manifest = manifestOf({ id: `com.acme.sandbox-test-${process.pid}-${++packages}`, hooks: [HOOK], ...overrides })
  const workspaceId = options.workspaceId ?? 1
  const state = marketplace.install({ workspaceId, grants: requestedCapabilities(manifest), ...options, pkg: { manifest, script, files: new Map(), keyId: 'test', publisher: 'Acme' } })
  return {
    manifest,
    state,
    workspaceId,
    call: (payload: Record<string, unknown> = {}) => marketplace.call(manifest.id, workspaceId, HOOK, { workspaceId, ...payload }),
    metrics: () => marketplace.metrics(manifest.id, workspaceId),
  }
}
