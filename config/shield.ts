import { defineConfig } from '@adonisjs/shield'

const shieldConfig = defineConfig({
  csp: {
    enabled: false,
    directives: {},
    reportOnly: false,
  },
  csrf: {
    enabled: true,
    // The API and webhooks authenticate by token/signature, not cookies; transmit's subscribe
    // calls are same-site fetches guarded by SameSite=Lax and the session.
    exceptRoutes: (ctx) => ['/api/', '/webhooks/', '/__transmit/'].some((prefix) => ctx.request.url().startsWith(prefix)),
    enableXsrfCookie: true,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },
  xFrame: { enabled: true, action: 'DENY' },
  hsts: { enabled: true, maxAge: '180 days' },
  contentTypeSniffing: { enabled: true },
})

export default shieldConfig
