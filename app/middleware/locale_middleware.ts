import { I18n } from '@adonisjs/i18n'
import i18nManager from '@adonisjs/i18n/services/main'
import type { NextFn } from '@adonisjs/core/types/http'
import { type HttpContext, RequestValidator } from '@adonisjs/core/http'

/**
 * Chooses the language: the signed-in user's choice, else the browser's Accept-Language.
 * Validation messages follow it too.
 */
export default class LocaleMiddleware {
  static {
    // API routes have no session or locale middleware: their messages follow Accept-Language.
    RequestValidator.messagesProvider = (ctx) =>
      (ctx.i18n ?? i18nManager.locale(i18nManager.getSupportedLocaleFor(ctx.request.languages()) ?? i18nManager.defaultLocale)).createMessagesProvider()
  }

  async handle(ctx: HttpContext, next: NextFn) {
    await ctx.auth.check()
    const locale =
      ctx.auth.user?.locale ?? i18nManager.getSupportedLocaleFor(ctx.request.languages())
    ctx.i18n = i18nManager.locale(locale ?? i18nManager.defaultLocale)
    ctx.containerResolver.bindValue(I18n, ctx.i18n)
    ctx.view?.share({ i18n: ctx.i18n, t: ctx.i18n.t.bind(ctx.i18n) })
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    i18n: I18n
  }
}
