import { definePlugin } from '#plugins/define_plugin'
import { providers } from '#messaging/services/providers'
import { cloudProvider } from '#whatsapp-cloud/services/cloud_provider'

/**
 * Meta's WhatsApp Cloud API as a channel provider: sending every message type, mark-read and
 * typing, media, template sync, Meta's signed webhooks. whatsapp-360dialog builds on it.
 */
export default definePlugin({
  name: 'whatsapp-cloud',
  version: '0.1.0',
  description: 'WhatsApp Cloud API (Meta) channels',
  requires: { core: '^0.1.0', plugins: { messaging: '^0.1.0' } },
  setup() {
    providers.register(cloudProvider)
  },
})
