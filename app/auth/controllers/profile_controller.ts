import type { HttpContext } from '@adonisjs/core/http'
import { profileValidator, themeValidator } from '#auth/validators/settings'

export default class ProfileController {
  async show({ view }: HttpContext) {
    return view.render('pages/settings/profile')
  }

  async update({ request, response, auth, session, i18n }: HttpContext) {
    const user = auth.getUserOrFail()
    const input = await request.validateUsing(profileValidator)
    await user.merge(input).save()
    session.flash('success', i18n.t('settings.saved'))
    return response.redirect().toRoute('settings.profile.show')
  }

  /** Saved per user; the page already switched client-side, so HTMX gets 204. */
  async updateTheme({ request, response, auth }: HttpContext) {
    const user = auth.getUserOrFail()
    const { theme } = await request.validateUsing(themeValidator)
    await user.merge({ theme }).save()
    if (request.header('hx-request') || request.accepts(['html', 'json']) === 'json') return response.noContent()
    return response.redirect().back()
  }
}
