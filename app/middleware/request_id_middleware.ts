import { randomUUID } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Every request's id (the proxy's X-Request-Id, else a random UUID), on its logger and in audit
 * entries (`request.id()`). The framework's own generator (`generateRequestId`: cuid2, SHA-3 in
 * JavaScript) cost more per request than a webhook's whole signature check. The logger that
 * carries the id is made the first time the request logs: most never do, and a pino child costs
 * ~4 % of a webhook's acknowledgement.
 */
export default class RequestIdMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const id = ctx.request.header('x-request-id') || randomUUID()
    ctx.request.request.headers['x-request-id'] = id
    const parent = ctx.logger
    let logger: HttpContext['logger'] | undefined
    Object.defineProperty(ctx, 'logger', {
      get: () => (logger ??= parent.child({ request_id: id })),
      set: (value: HttpContext['logger']) => (logger = value),
      configurable: true,
      enumerable: true,
    })
    return next()
  }
}
