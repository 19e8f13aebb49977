/**
 * What a package may do, in the words the consent screen shows an admin, one line per permission
 * (each origin and method of http.fetch counts on its own). A line is a message key of
 * resources/lang/<locale>/marketplace.json (`may.*`) with its values: pages say it in the admin's
 * language, the API and the audit in English. Comparing the lines of two versions gives an
 * upgrade's capability diff: any added line widens it and needs consent again.
 */
import i18nManager from '@adonisjs/i18n/services/main'
import { requestedCapabilities, type Capability, type Manifest } from '#marketplace/manifest'

export interface ConsentLine {
  capability: Capability
  /** `marketplace.may.<key>` */
  key: string
  values: Record<string, string | number>
  /** In English. */
  text: string
}

const line = (capability: Capability, key: string, values: Record<string, string | number> = {}): ConsentLine => ({
  capability,
  key,
  values,
  text: i18nManager.locale('en').t(`marketplace.may.${key}`, values),
})

export function consentLines(manifest: Manifest): ConsentLine[] {
  const capabilities = manifest.capabilities
  const lines: ConsentLine[] = []
  if (capabilities.log) lines.push(line('log', 'log'))
  if (capabilities.settings) lines.push(line('settings', 'settings'))
  if (capabilities.kv) lines.push(line('kv', 'kv', { kb: Math.max(1, Math.round(capabilities.kv.quotaBytes / 1024)) }))
  for (const access of capabilities.records?.contacts ?? []) lines.push(line('records', access === 'read' ? 'contacts_read' : 'contacts_tag'))
  if (capabilities.messages?.send) lines.push(line('messages', 'messages_send'))
  for (const { origin, methods } of capabilities.http?.origins ?? []) {
    for (const method of methods) lines.push(line('http', 'http', { origin, method }))
  }
  if (capabilities.sleep) lines.push(line('sleep', 'sleep', { ms: capabilities.sleep.maxMs }))
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
