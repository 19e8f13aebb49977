import { readdirSync } from 'node:fs'
import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import StaticMiddleware from '@adonisjs/static/static_middleware'

/**
 * Serves public/ (built assets, favicon) — but only for URLs whose first segment exists
 * there. The static server otherwise stats the disk for every page and API call before
 * passing it on. The top level of public/ is read once per process in production (assets
 * are built before the app starts), on every request elsewhere.
 */
let cached: Set<string> | null = null
const readEntries = () => new Set(readdirSync(app.publicPath()))
const publicEntries = () => (app.inProduction ? (cached ??= readEntries()) : readEntries())

// One static server for the process (the container would build one per request).
let files: Promise<StaticMiddleware> | null = null

export default class PublicFilesMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const first = ctx.request.url().split('/', 2)[1]
    if (!first || !publicEntries().has(first)) return next()
    files ??= app.container.make(StaticMiddleware)
    return (await files).handle(ctx, next)
  }
}
