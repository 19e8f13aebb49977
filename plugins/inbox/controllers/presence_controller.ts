import type { HttpContext } from '@adonisjs/core/http'
import { announcePresence, ping, preferencesOf, savePreferences } from '#inbox/services/presence'
import { autoAssignSoon } from '#inbox/jobs/auto_assign'
import { preferencesValidator } from '#inbox/validators/presence'

/**
 * The user menu's presence: every open page of the workspace pings (POST presence, every 20 s),
 * which keeps the agent online and answers the menu's switches; POST presence/preferences sets
 * away and the sound. Coming online, or back from away, offers waiting conversations to
 * auto-assignment. Changes of presence are pushed live (services/presence.ts), pings that change
 * nothing are not.
 */
export default class PresenceController {
  async ping(ctx: HttpContext) {
    const userId = ctx.auth.user!.id
    const [cameOnline, preferences] = await Promise.all([ping(ctx.tenant.workspace.id, userId), preferencesOf(userId)])
    if (cameOnline && !preferences.away) await autoAssignSoon(ctx.tenant.workspace.id)
    return ctx.view.render('inbox::partials/presence_menu', { preferences })
  }

  async preferences(ctx: HttpContext) {
    const changes = await ctx.request.validateUsing(preferencesValidator)
    const userId = ctx.auth.user!.id
    const before = await preferencesOf(userId)
    const preferences = await savePreferences(userId, changes)
    // Away follows the person; it is pushed where they are working now (other workspaces see it on their next header).
    if (preferences.away !== before.away) announcePresence(ctx.tenant.workspace.id, userId)
    if (changes.away === false) await autoAssignSoon(ctx.tenant.workspace.id)
    return ctx.view.render('inbox::partials/presence_menu', { preferences })
  }
}
