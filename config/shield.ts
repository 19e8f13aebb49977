import { defineConfig } from '@adonisjs/shield'

const shieldConfig = defineConfig({
  csp: {
    enabled: false,
    directives: {},
    reportOnly: false,
  },
  csrf: {
    enabled: true,
    // Shield runs only on browser routes (see start/kernel.ts `web`). Transmit's subscribe calls
    // are same-site fetches guarded by SameSite=Lax cookies and the session.
    exceptRoutes: (ctx) => ctx.request.url().startsWith('/__transmit/'),
    // Scripts get the token from #middleware/csrf_cookie_middleware instead, and send it as
    // X-CSRF-TOKEN (shield's cookie was encrypted and re-sent on every response).
    enableXsrfCookie: false,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },
  xFrame: { enabled: true, action: 'DENY' },
  hsts: { enabled: true, maxAge: '180 days' },
  contentTypeSniffing: { enabled: true },
})

export default shieldConfig
