import { pathToFileURL } from 'node:url'
import type { Router } from '@adonisjs/core/http'
import type { DiscoveredPlugin } from '#plugins/discovery'

/**
 * A plugin's routes.ts: `admin` routes are mounted under /w/:workspace/<plugin> (signed-in
 * staff of the workspace), `api` routes under /api/v1/<plugin> (personal tokens). Route names
 * are prefixed with the plugin's name (`inbox.index`, `api.v1.inbox.show`).
 */
export interface PluginRoutes {
  admin?: (router: Router) => void
  api?: (router: Router) => void
  /**
   * API routes at /api/v1 itself, not under the plugin's name: for a kernel plugin whose
   * resources are the product's vocabulary (messaging: /api/v1/channels, /api/v1/messages).
   * Same tokens and enablement check as `api`; names `api.v1.<name>`. Two plugins must not
   * claim the same path (the router refuses duplicates at boot).
   */
  rootApi?: (router: Router) => void
  /**
   * Routes at the site root without a session (provider webhooks): they authenticate the
   * caller themselves (signatures, secrets) and check the plugin is on for the workspace
   * they resolve. Names are prefixed `<plugin>.public.`.
   */
  public?: (router: Router) => void
  /**
   * Names of `public` routes whose handlers read the request body themselves (`readRawBody` in
   * app/core/raw_body.ts): the body parser leaves it alone.
   */
  rawBody?: string[]
}

/** Full names of the routes the body parser leaves alone (see `rawBody`). */
export const rawBodyRoutes = new Set<string>()

export function definePluginRoutes(routes: PluginRoutes) {
  return routes
}

/**
 * The matcher of a row id in a URL (`.where('id', rowId)`): up to 15 digits, cast to a number.
 * Anything else is no row — 404 — rather than a bigint overflow in the database (500).
 */
export const rowId = { match: /^\d{1,15}$/, cast: (value: string) => Number(value) }

type MiddlewareList = Parameters<ReturnType<Router['group']>['use']>[0]

interface Mounting {
  router: Router
  /** Middleware of admin routes, given the plugin (auth, workspace, the plugin's enablement...). */
  admin: (plugin: string) => MiddlewareList
  api: (plugin: string) => MiddlewareList
}

/** Mounts every plugin's routes.ts, in dependency order. */
export async function mountPluginRoutes(plugins: DiscoveredPlugin[], { router, admin, api }: Mounting) {
  for (const plugin of plugins) {
    if (!plugin.paths.routes) continue
    const routes: PluginRoutes = (await import(pathToFileURL(plugin.paths.routes).href)).default
    if (routes.admin) {
      router
        .group(() => routes.admin!(router))
        .prefix(`/w/:workspace/${plugin.name}`)
        .as(plugin.name)
        .use(admin(plugin.name))
    }
    if (routes.public) {
      router.group(() => routes.public!(router)).as(`${plugin.name}.public`)
      for (const name of routes.rawBody ?? []) rawBodyRoutes.add(`${plugin.name}.public.${name}`)
    }
    if (routes.api) {
      router
        .group(() => routes.api!(router))
        .prefix(`/api/v1/${plugin.name}`)
        .as(`api.v1.${plugin.name}`)
        .use(api(plugin.name))
    }
    if (routes.rootApi) {
      router.group(() => routes.rootApi!(router)).prefix('/api/v1').as('api.v1').use(api(plugin.name))
    }
  }
}
