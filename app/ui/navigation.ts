/**
 * The sidebar, built from a registry: the core adds its items here, plugins add theirs
 * at boot. Each item names the ability it needs; the layout shows only what the current
 * role may open (the routes enforce the same abilities with 403).
 */
export interface NavigationItem {
  key: string
  /** i18n key */
  label: string
  /** Name of an icon in views/components/icon.edge */
  icon: string
  /** Route name under /w/:workspace */
  route: string
  ability: string
  section: 'main' | 'settings'
  order: number
  /** Set for a plugin's items: they show only where that plugin is enabled. */
  plugin?: string
}

class NavigationRegistry {
  #items: NavigationItem[] = []

  add(item: NavigationItem) {
    this.#items.push(item)
    this.#items.sort((a, b) => a.order - b.order)
    return this
  }

  /** The items `can` allows (of core and of the `enabled` plugins), grouped by section. */
  visible(can: (ability: string) => boolean, enabled: ReadonlySet<string> = new Set()) {
    const items = this.#items.filter((item) => (!item.plugin || enabled.has(item.plugin)) && can(item.ability))
    return {
      main: items.filter((item) => item.section === 'main'),
      settings: items.filter((item) => item.section === 'settings'),
    }
  }
}

export const navigation = new NavigationRegistry()

navigation
  .add({ key: 'dashboard', label: 'nav.dashboard', icon: 'home', route: 'workspace.dashboard', ability: 'workspace.view', section: 'main', order: 0 })
  .add({ key: 'members', label: 'nav.members', icon: 'users', route: 'workspace.members.index', ability: 'members.view', section: 'settings', order: 10 })
  .add({ key: 'settings', label: 'nav.workspace_settings', icon: 'cog', route: 'workspace.settings.show', ability: 'workspace.update', section: 'settings', order: 20 })
  .add({ key: 'api_tokens', label: 'nav.api_tokens', icon: 'key', route: 'workspace.api_tokens.index', ability: 'tokens.manage', section: 'settings', order: 30 })
  .add({ key: 'audit', label: 'nav.audit', icon: 'shield', route: 'workspace.audit.index', ability: 'audit.view', section: 'settings', order: 40 })
  .add({ key: 'plugins', label: 'nav.plugins', icon: 'puzzle', route: 'workspace.plugins.index', ability: 'plugins.manage', section: 'settings', order: 45 })
  .add({ key: 'marketplace', label: 'nav.marketplace', icon: 'puzzle', route: 'workspace.marketplace.index', ability: 'marketplace.manage', section: 'settings', order: 46 })
  .add({ key: 'marketplace_keys', label: 'nav.marketplace_keys', icon: 'key', route: 'workspace.marketplace.keys.index', ability: 'organization.manage', section: 'settings', order: 55 })
  .add({ key: 'marketplace_limits', label: 'nav.marketplace_limits', icon: 'shield', route: 'workspace.marketplace.limits.show', ability: 'organization.manage', section: 'settings', order: 56 })
  .add({ key: 'branding', label: 'nav.branding', icon: 'palette', route: 'workspace.branding.show', ability: 'organization.manage', section: 'settings', order: 50 })
  .add({ key: 'hooks', label: 'nav.hooks', icon: 'queue', route: 'workspace.hooks.diagnostics', ability: 'diagnostics.view', section: 'settings', order: 70 })
  .add({ key: 'jobs', label: 'nav.jobs', icon: 'queue', route: 'workspace.jobs.index', ability: 'jobs.manage', section: 'settings', order: 60 })
