import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { errors } from '@adonisjs/core'

/** A plugin's routes do not exist in a workspace where the plugin is off: 404. */
export default class PluginEnabledMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { plugin: string }) {
    if (!ctx.tenant.plugins.has(options.plugin)) {
      throw new errors.E_ROUTE_NOT_FOUND([ctx.request.method(), ctx.request.url()])
    }
    return next()
  }
}
