/*
| Edge globals shared by every view.
*/
import edge from 'edge.js'
import app from '@adonisjs/core/services/app'
import { navigation } from '#ui/navigation'
import { icon } from '#ui/icons'
import { formatDate } from '#ui/dates'
import Notification from '#notifications/notification'

edge.global('navigation', navigation)
edge.global('icon', icon)
edge.global('unreadCount', (userId: number) => Notification.unreadCount(userId))
edge.global('formatDate', (value: Date | string | null, locale = 'en') =>
  value ? formatDate(value instanceof Date ? value : new Date(String(value)), 'medium', locale) : ''
)

// Two of edge.js's costs per request that production need not pay (the views do not change there).
if (app.inProduction) {
  listComponentsOnce()
  cacheIncludes()
}
// Routes are fixed once the app has booted, in every environment (a change restarts the process).
rememberUrls()

/**
 * edge.js lists the components of every mounted views folder again each time it creates a
 * renderer — once per page — even with its template cache on (its component plugin stays
 * "recurring" when the cache is configured after construction). List them once, again only
 * when a folder is mounted.
 */
function listComponentsOnce() {
  const loader = edge.loader
  const listComponents = loader.listComponents.bind(loader)
  const mount = loader.mount.bind(loader)
  let components: ReturnType<typeof listComponents> | undefined
  loader.listComponents = () => (components ??= listComponents())
  loader.mount = (...args: Parameters<typeof mount>) => {
    components = undefined
    return mount(...args)
  }
}

/**
 * edge.js compiles an `@include` again each time it runs — its cache skips templates compiled
 * with the including template's local variables, even none (an empty list: every include
 * outside a loop or @let) — so an include inside a loop (a thread's 50 messages) tokenizes,
 * parses and builds a function per iteration, and every other include once per page. The
 * result depends only on the template and those variable names: keep it per (template, names).
 * Pages themselves (no list) stay in edge.js's own cache.
 */
function cacheIncludes() {
  for (const compiler of [edge.compiler, edge.asyncCompiler]) {
    const compile = compiler.compile.bind(compiler)
    const compiled = new Map<string, ReturnType<typeof compile>>()
    compiler.compile = (templatePath: string, localVariables?: string[]) => {
      if (!localVariables) return compile(templatePath, localVariables)
      const key = `${templatePath}\0${localVariables.join(',')}`
      let template = compiled.get(key)
      if (!template) {
        template = compile(templatePath, localVariables)
        compiled.set(key, template)
      }
      return template
    }
  }
}

/**
 * `route()` parses the route's pattern and encodes its parameters on every call, and a page
 * calls it for each link of the shell (~15 per page). A URL is kept per (name, parameters)
 * when the parameters are plain strings or numbers and no options are given (query strings,
 * domains: built each time). Bounded: the map starts over past MAX_URLS (a URL per workspace
 * slug and record id would grow without end).
 */
function rememberUrls() {
  const MAX_URLS = 20_000
  const makeUrl = edge.globals.route as (...args: unknown[]) => string
  const urls = new Map<string, string>()
  edge.global('route', (...args: unknown[]) => {
    const key = urlKey(args)
    if (key === null) return makeUrl(...args)
    let url = urls.get(key)
    if (url === undefined) {
      url = makeUrl(...args)
      if (urls.size >= MAX_URLS) urls.clear()
      urls.set(key, url)
    }
    return url
  })
}

/** The cache key of a `route(name, params)` call, or null when it should not be cached. */
function urlKey([name, params, options, ...rest]: unknown[]): string | null {
  if (typeof name !== 'string' || options !== undefined || rest.length) return null
  if (params === undefined) return name
  if (params === null || typeof params !== 'object') return null
  let key = name
  for (const [param, value] of Object.entries(params)) {
    if (typeof value !== 'string' && typeof value !== 'number') return null
    key += `\0${param}\0${value}`
  }
  return key
}
