import { definePlugin } from '#plugins/define_plugin'
import { providers } from '#messaging/services/providers'
import { gupshupProvider } from '#whatsapp-gupshup/services/gupshup_provider'

/**
 * Gupshup channels: its v1 send API translated from the Cloud API's content, its v2 callbacks (and
 * v3's forwarded Meta envelope). Requires whatsapp-cloud for Meta's webhook parser and error codes.
 */
export default definePlugin({
  name: 'whatsapp-gupshup',
  version: '0.1.0',
  description: 'WhatsApp through Gupshup',
  requires: { core: '^0.1.0', plugins: { messaging: '^0.1.0', 'whatsapp-cloud': '^0.1.0' } },
  setup() {
    providers.register(gupshupProvider)
  },
})
