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
