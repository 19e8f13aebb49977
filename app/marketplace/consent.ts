/**
 * What a package may do, in the words the consent screen shows an admin, one line per permission
 * (each origin and method of http.fetch counts on its own). Comparing the lines of two versions
 * gives an upgrade's capability diff: any added line widens it and needs consent again.
 */
import { requestedCapabilities, type Capability, type Manifest } from '#marketplace/manifest'

export interface ConsentLine {
  capability: Capability
  text: string
}

const kb = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`

export function consentLines(manifest: Manifest): ConsentLine[] {
  const capabilities = manifest.capabilities
  const lines: ConsentLine[] = []
  if (capabilities.log) lines.push({ capability: 'log', text: 'Write lines to its own log, shown on its page here' })
  if (capabilities.settings) lines.push({ capability: 'settings', text: 'Read the settings you give it' })
  if (capabilities.kv) lines.push({ capability: 'kv', text: `Store up to ${kb(capabilities.kv.quotaBytes)} of its own data` })
  for (const access of capabilities.records?.contacts ?? []) {
    lines.push({ capability: 'records', text: access === 'read' ? 'Read your contacts (names, phone numbers, tags)' : 'Add tags to your contacts' })
  }
  if (capabilities.messages?.send) lines.push({ capability: 'messages', text: 'Send WhatsApp messages to your contacts' })
  for (const { origin, methods } of capabilities.http?.origins ?? []) {
    for (const method of methods) lines.push({ capability: 'http', text: `Call ${origin} with ${method}` })
  }
  if (capabilities.sleep) lines.push({ capability: 'sleep', text: `Wait up to ${capabilities.sleep.maxMs} ms while handling an event` })
  return lines
}

/** Lines the new version adds and drops; `widens` when it adds any. */
export function capabilityDiff(from: Manifest, to: Manifest) {
  const before = new Set(consentLines(from).map((line) => line.text))
  const after = new Set(consentLines(to).map((line) => line.text))
  const added = consentLines(to).filter((line) => !before.has(line.text))
  const removed = consentLines(from).filter((line) => !after.has(line.text))
  return { added, removed, widens: added.length > 0 }
}

/** What an installation is granted: everything the manifest asks for (consent is all or nothing). */
export const grantsFor = (manifest: Manifest): Capability[] => requestedCapabilities(manifest)
