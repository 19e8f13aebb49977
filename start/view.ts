/*
| Edge globals shared by every view.
*/
import edge from 'edge.js'
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
