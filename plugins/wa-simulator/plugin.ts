import { definePlugin } from '#plugins/define_plugin'

/**
 * A loopback WhatsApp API (Meta Cloud API, 360dialog, Gupshup) for tests, benchmarks and the
 * demo: `node ace wa:simulator`. It adds no routes, tables or abilities to the app; its demo
 * seeder connects a simulator channel through messaging and whatsapp-cloud.
 */
export default definePlugin({
  name: 'wa-simulator',
  version: '0.1.0',
  description: 'Development tool: a loopback WhatsApp API for tests, benchmarks and the demo (node ace wa:simulator)',
  requires: { core: '^0.1.0', plugins: { messaging: '^0.1.0', 'whatsapp-cloud': '^0.1.0' } },
})
