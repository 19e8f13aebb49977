/**
 * What a package may do, in the words the consent screen shows an admin, one line per permission
 * (each origin and method of http.fetch counts on its own) and one per filter or bail hook it taps
 * (the line its definition's `sandbox.consent` names, e.g. "Change or stop messages before they
 * are sent": such a tap changes what happens, not only watches). A line is a translation key
 * (`marketplace.may.*` for capabilities) with its values: pages say it in the admin's language,
 * the API and the audit in English. Comparing the lines of two versions gives an
 * upgrade's capability diff: any added line widens it and needs consent again.
 */
import i18nManager from '@adonisjs/i18n/services/main'
import { hooks } from '#hooks/bus'
import { requestedCapabilities, type Capability, type Manifest } from '#marketplace/manifest'

export interface ConsentLine {
  /** The capability, or `hook:<name>` for a filter or bail hook. */
  capability: Capability | `hook:${string}`
  /** Translation key: `marketplace.may.<capability line>`, or a hook's `sandbox.consent`. */
  key: string
  values: Record<string, string | number>
  /** In English. */
  text: string
}

const line = (capability: ConsentLine['capability'], key: string, values: Record<string, string | number> = {}): ConsentLine => ({
  capability,
  key,
  values,
  text: i18nManager.locale('en').t(key, values),
})
const may = (capability: Capability, key: string, values?: Record<string, string | number>) => line(capability, `marketplace.may.${key}`, values)

export function consentLines(manifest: Manifest): ConsentLine[] {
  const capabilities = manifest.capabilities
  const lines: ConsentLine[] = []
  if (capabilities.log) lines.push(may('log', 'log'))
  if (capabilities.settings) lines.push(may('settings', 'settings'))
  if (capabilities.kv) lines.push(may('kv', 'kv', { kb: Math.max(1, Math.round(capabilities.kv.quotaBytes / 1024)) }))
  for (const access of capabilities.records?.contacts ?? []) lines.push(may('records', access === 'read' ? 'contacts_read' : 'contacts_tag'))
  if (capabilities.messages?.send) lines.push(may('messages', 'messages_send'))
  for (const { origin, methods } of capabilities.http?.origins ?? []) {
    for (const method of methods) lines.push(may('http', 'http', { origin, method }))
  }
  if (capabilities.sleep) lines.push(may('sleep', 'sleep', { ms: capabilities.sleep.maxMs }))
  const definitions = new Map(hooks.definitions().map((definition) => [definition.name, definition]))
  for (const hook of manifest.hooks) {
    const consent = definitions.get(hook)?.sandbox?.consent
    if (consent) lines.push(line(`hook:${hook}`, consent))
  }
  return lines
}

/** Lines the new version adds and drops; `widens` when it adds any. */
export function capabilityDiff(from: Manifest, to: Manifest) {
  const before = new Set(consentLines(from).map((entry) => entry.text))
  const after = new Set(consentLines(to).map((entry) => entry.text))
  const added = consentLines(to).filter((entry) => !before.has(entry.text))
  const removed = consentLines(from).filter((entry) => !after.has(entry.text))
  return { added, removed, widens: added.length > 0 }
}

/** What an installation is granted: everything the manifest asks for (consent is all or nothing). */
export const grantsFor = (manifest: Manifest): Capability[] => requestedCapabilities(manifest)
