import { randomUUID } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Every request's id (the proxy's X-Request-Id, else a random UUID), on its logger and in audit
 * entries (`request.id()`). The framework's own generator (`generateRequestId`: cuid2, SHA-3 in
 * JavaScript) cost more per request than a webhook's whole signature check. The child logger is
 * made at once, not on first use: turning `ctx.logger` into a getter (defineProperty) puts the
 * context object into V8's slow dictionary mode, and every other `ctx.*` read of the request with it.
 */
export default class RequestIdMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const id = ctx.request.header('x-request-id') || randomUUID()
    ctx.request.request.headers['x-request-id'] = id
    ctx.logger = ctx.logger.child({ request_id: id })
    return next()
  }
}
