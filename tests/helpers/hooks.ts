import { hooks } from '#hooks/bus'

/**
 * A test-only action hook, so that no plugin's tap runs beside the test's own. Defined once per
 * process: every test file shares the bus, and the bus refuses a second definition.
 */
export function defineTestHook(name: string, description: string) {
  if (!hooks.definitions().some((definition) => definition.name === name)) {
    hooks.define(name as never, { kind: 'action', description } as never)
  }
}
