import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { ForbiddenException } from '#exceptions/forbidden_exception'

/** `middleware.operator()`: the instance operator's pages (after `auth`); 403 for every other account. */
export default class OperatorMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (!ctx.auth.user?.isOperator) throw new ForbiddenException('instance.operate')
    return next()
  }
}
