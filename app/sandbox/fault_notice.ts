/**
 * Tells a workspace's admins (its owners and admins, and the owning organization's staff) that a
 * marketplace package was disabled there after repeated faults, in each admin's language.
 */
import db from '@adonisjs/lucid/services/db'
import i18nManager from '@adonisjs/i18n/services/main'
import { notify } from '#notifications/notify'
import type { InstallState } from '#marketplace/runtime'

export async function notifyPackageDisabled(packageId: string, workspaceId: number, state: InstallState) {
  const admins: { id: number; locale: string }[] = await db
    .from('users')
    .select('id', 'locale')
    .whereIn('id', (query) => query.from('memberships').select('user_id').where('workspace_id', workspaceId).whereIn('role', ['owner', 'admin']))
    .orWhereIn('id', (query) =>
      query.from('organization_members as om').join('workspaces as w', 'w.organization_id', 'om.organization_id').select('om.user_id').where('w.id', workspaceId)
    )
  for (const admin of admins) {
    const i18n = i18nManager.locale(i18nManager.getSupportedLocaleFor([admin.locale]) ?? i18nManager.defaultLocale)
    await notify({
      userId: admin.id,
      workspaceId,
      title: i18n.t('sandbox.disabled.title', { name: packageId }),
      body: i18n.t('sandbox.disabled.body', { message: state.lastFault?.message ?? '' }),
    })
  }
}
