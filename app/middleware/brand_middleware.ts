import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { brandForHost, type Brand } from '#tenancy/brand'

/** White-label: a request on an organization's custom domain renders that organization's brand. */
export default class BrandMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    ctx.brand = await brandForHost(ctx.request.hostname() ?? '')
    ctx.view?.share({ brand: ctx.brand })
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    brand: Brand
  }
}
