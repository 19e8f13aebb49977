import { definePlugin } from '#plugins/define_plugin'
import { providers } from '#messaging/services/providers'
import { dialog360Provider } from '#whatsapp-360dialog/services/dialog360_provider'

/** 360dialog channels: the Cloud API through 360dialog's proxy (reuses whatsapp-cloud). */
export default definePlugin({
  name: 'whatsapp-360dialog',
  version: '0.1.0',
  description: 'WhatsApp through 360dialog',
  requires: { core: '^0.1.0', plugins: { messaging: '^0.1.0', 'whatsapp-cloud': '^0.1.0' } },
  setup() {
    providers.register(dialog360Provider)
  },
})
