import type { HttpContext } from '@adonisjs/core/http'
import Notification from '#notifications/notification'

export default class NotificationsController {
  /** The bell's dropdown (an HTMX partial) or the full list. */
  async index({ view, auth, request }: HttpContext) {
    const notifications = await Notification.query()
      .where('user_id', auth.user!.id)
      .orderBy('id', 'desc')
      .paginate(request.input('page', 1), 20)
    const template = request.header('hx-request') ? 'partials/notifications_list' : 'pages/notifications'
    return view.render(template, { notifications })
  }

  async markAllRead({ auth, response, request }: HttpContext) {
    await Notification.markAllRead(auth.user!.id)
    if (request.header('hx-request')) return response.noContent()
    return response.redirect().back()
  }
}
