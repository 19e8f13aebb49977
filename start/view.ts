/*
| Edge globals shared by every view.
*/
import edge from 'edge.js'
import app from '@adonisjs/core/services/app'
import { navigation } from '#ui/navigation'
import { icon } from '#ui/icons'
import { unreadCount } from '#notifications/notifications_controller'

edge.global('navigation', navigation)
edge.global('icon', icon)
edge.global('unreadCount', unreadCount)
edge.global('formatDate', (value: Date | string | null, locale = 'en') => {
  if (!value) return ''
  const date = value instanceof Date ? value : new Date(String(value))
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date)
})

/*
 * edge.js lists the components of every mounted views folder again each time it creates a
 * renderer — once per request, since the auth middleware shares into `ctx.view` — even with
 * its template cache on (its component plugin stays "recurring" when the cache is configured
 * after construction). The folders do not change in production: list them once, again only
 * when a folder is mounted.
 */
if (app.inProduction) {
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
