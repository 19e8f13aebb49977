/*
| HTTP middleware. Server middleware runs on every request (even without a route);
| router middleware on every matched route; named middleware where routes ask for it.
*/
import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'
import app from '@adonisjs/core/services/app'

server.errorHandler(() => import('#exceptions/handler'))

server.use([
  () => import('#middleware/container_bindings_middleware'),
  () => import('#middleware/public_files_middleware'),
  () => import('@adonisjs/cors/cors_middleware'),
  // Vite's dev server (assets, hot reload) runs in development and tests only; elsewhere its
  // middleware would be built for every request just to pass it on.
  ...(app.inDev || app.inTest ? [() => import('@adonisjs/vite/vite_middleware')] : []),
])

router.use([
  () => import('#middleware/body_parser_middleware'),
  () => import('#middleware/initialize_auth_middleware'),
])

/**
 * What browser-facing routes need on top: session, CSRF and security headers, brand and
 * language. Not for the token API, which must not create sessions or set cookies.
 */
const browser = router.named({
  session: () => import('@adonisjs/session/session_middleware'),
  shield: () => import('@adonisjs/shield/shield_middleware'),
  csrfCookie: () => import('#middleware/csrf_cookie_middleware'),
  brand: () => import('#middleware/brand_middleware'),
  locale: () => import('#middleware/locale_middleware'),
})
export const web = () => [browser.session(), browser.shield(), browser.csrfCookie(), browser.brand(), browser.locale()]

export const middleware = router.named({
  auth: () => import('#middleware/auth_middleware'),
  guest: () => import('#middleware/guest_middleware'),
  workspace: () => import('#middleware/workspace_middleware'),
  can: () => import('#middleware/can_middleware'),
  api: () => import('#middleware/api_middleware'),
  pluginEnabled: () => import('#middleware/plugin_enabled_middleware'),
  operator: () => import('#middleware/operator_middleware'),
})
