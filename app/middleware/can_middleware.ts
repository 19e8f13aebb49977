import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { ForbiddenException } from '#exceptions/forbidden_exception'

/** `middleware.can('members.manage')`: 403 unless the tenant role (or API token) holds every ability. */
export default class CanMiddleware {
  async handle(ctx: HttpContext, next: NextFn, required: string | string[]) {
    for (const ability of [required].flat()) {
      if (!ctx.tenant.can(ability)) throw new ForbiddenException(ability)
    }
    return next()
  }
}
