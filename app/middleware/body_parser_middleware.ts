import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import BodyParserMiddleware from '@adonisjs/core/bodyparser_middleware'
import { rawBodyRoutes } from '#plugins/routes'

// One body parser for the process (the container would build one per request).
let parser: Promise<BodyParserMiddleware> | null = null

/**
 * The framework's body parser, except for routes whose handlers read the raw body themselves
 * (provider webhooks: a signature over the exact bytes, then one JSON.parse instead of the
 * parser's slower safe parse followed by theirs).
 */
export default class BodyMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (ctx.route?.name && rawBodyRoutes.has(ctx.route.name)) return next()
    parser ??= app.container.make(BodyParserMiddleware)
    return (await parser).handle(ctx, next)
  }
}
