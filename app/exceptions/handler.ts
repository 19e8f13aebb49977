import app from '@adonisjs/core/services/app'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import i18nManager from '@adonisjs/i18n/services/main'
import { brandForHost } from '#tenancy/brand'

/**
 * Errors never leak a stack trace outside development. Browsers get a branded status
 * page; the API, HTMX and JSON callers get `{ errors: [{ message, field? }] }`.
 */
export default class HttpExceptionHandler extends ExceptionHandler {
  protected debug = app.inDev
  protected renderStatusPages = !app.inDev

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '400..599': async (error, ctx) => {
      if (wantsJson(ctx)) {
        return ctx.response.status(error.status).send({ errors: [{ message: safeMessage(error) }] })
      }
      // Unmatched routes skip router middleware: brand and language are resolved here then.
      const i18n = ctx.i18n ?? i18nManager.locale(i18nManager.getSupportedLocaleFor(ctx.request.languages()) ?? 'en')
      ctx.view.share({
        brand: ctx.brand ?? (await brandForHost(ctx.request.hostname() ?? '')),
        i18n,
        t: i18n.t.bind(i18n),
      })
      return ctx.view.render('pages/errors/status', { status: error.status, message: safeMessage(error) })
    },
  }

  async handle(error: any, ctx: HttpContext) {
    if (error?.code === 'E_VALIDATION_ERROR' && (ctx.request.header('hx-request') || wantsJson(ctx))) {
      return ctx.response.status(422).send({ errors: error.messages })
    }
    // The auth guard's own 401 is plain text without a JSON Accept header; API callers always get JSON.
    if (error?.code === 'E_UNAUTHORIZED_ACCESS' && wantsJson(ctx)) {
      return ctx.response.status(401).send({ errors: [{ message: 'Invalid or missing API token' }] })
    }
    // The limiter negotiates by Accept; API callers get JSON (and Retry-After) whatever they accept.
    if (error?.code === 'E_TOO_MANY_REQUESTS' && wantsJson(ctx)) {
      for (const [name, value] of Object.entries(error.getDefaultHeaders() as Record<string, string | number>)) ctx.response.header(name, value)
      return ctx.response.status(429).send({ errors: [{ message: error.getResponseMessage(ctx), retryAfter: error.response.availableIn }] })
    }
    // Shield redirects back on a bad CSRF token; scripts and HTMX get a plain 403 instead.
    if (error?.code === 'E_BAD_CSRF_TOKEN' && (ctx.request.header('hx-request') || wantsJson(ctx))) {
      return ctx.response.status(403).send({ errors: [{ message: 'The page expired. Reload it and try again.' }] })
    }
    return super.handle(error, ctx)
  }
}

function wantsJson(ctx: HttpContext) {
  return ctx.request.url().startsWith('/api/') || ctx.request.accepts(['html', 'json']) === 'json'
}

/** Client errors explain themselves; server errors say only that something failed. */
function safeMessage(error: { status: number; message: string; code?: string }) {
  if (error.status >= 500) return 'Something went wrong on our side. It has been logged.'
  // Lucid's findOrFail: say what a caller can act on, not "Row not found".
  if (error.code === 'E_ROW_NOT_FOUND') return 'No such record here (or no access to it)'
  return error.message
}
