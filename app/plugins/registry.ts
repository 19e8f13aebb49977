/**
 * The plugins this deployment has: discovered once at boot, in dependency order. Answers
 * the questions the per-workspace lifecycle asks: what must be enabled before a plugin
 * (the chain the Plugins page offers to enable), and which enabled plugins stop one from
 * being disabled (WordPress 6.5's rule: a plugin others need cannot be disabled).
 */
import type { DiscoveredPlugin } from '#plugins/discovery'
import { listNames } from '#plugins/discovery'

export interface DisableCheck {
  allowed: boolean
  /** Enabled plugins that require it (directly or through others), in the order to disable them. */
  blockers: string[]
  /** English sentence for the CLI and logs; null when allowed. */
  message: string | null
}

export class PluginRegistry {
  #plugins = new Map<string, DiscoveredPlugin>()
  /** Position in dependency order. */
  #position = new Map<string, number>()

  constructor(plugins: DiscoveredPlugin[] = []) {
    this.load(plugins)
  }

  /** Replaces the contents with `plugins`, which must be in dependency order (as discoverPlugins returns them). */
  load(plugins: DiscoveredPlugin[]) {
    this.#plugins = new Map(plugins.map((plugin) => [plugin.name, plugin]))
    this.#position = new Map(plugins.map((plugin, index) => [plugin.name, index]))
    return this
  }

  /** All plugins, requirements before the plugins that need them. */
  all() {
    return [...this.#plugins.values()]
  }

  names() {
    return [...this.#plugins.keys()]
  }

  has(name: string) {
    return this.#plugins.has(name)
  }

  get(name: string) {
    return this.#plugins.get(name)
  }

  getOrFail(name: string) {
    const plugin = this.#plugins.get(name)
    if (!plugin) throw new Error(`Plugin ${name} is not installed`)
    return plugin
  }

  /** Everything `name` requires, directly or through others, requirements first (the order to enable them). */
  requirementsOf(name: string): string[] {
    const found = new Set<string>()
    const visit = (current: string) => {
      for (const required of Object.keys(this.getOrFail(current).requires.plugins)) {
        if (found.has(required)) continue
        found.add(required)
        visit(required)
      }
    }
    visit(name)
    return this.#inOrder(found)
  }

  /** Every plugin that requires `name`, directly or through others, dependents of dependents first (the order to disable them). */
  dependentsOf(name: string): string[] {
    this.getOrFail(name)
    const found = new Set<string>()
    const visit = (current: string) => {
      for (const plugin of this.#plugins.values()) {
        if (found.has(plugin.name) || !(current in plugin.requires.plugins)) continue
        found.add(plugin.name)
        visit(plugin.name)
      }
    }
    visit(name)
    return this.#inOrder(found).reverse()
  }

  /**
   * What enabling `name` takes, given the plugins already enabled: the requirements that
   * are not enabled yet, then `name` itself (unless it is enabled), in the order to enable
   * them. One element means nothing else is needed; more is the chain to offer.
   */
  enableOrder(name: string, enabledNames: Iterable<string> = []): string[] {
    const enabled = new Set(enabledNames)
    return [...this.requirementsOf(name), name].filter((plugin) => !enabled.has(plugin))
  }

  /** May `name` be disabled while `enabledNames` are enabled? Not while an enabled plugin requires it. */
  disableCheck(name: string, enabledNames: Iterable<string>): DisableCheck {
    const enabled = new Set(enabledNames)
    const blockers = this.dependentsOf(name).filter((plugin) => enabled.has(plugin))
    if (!blockers.length) return { allowed: true, blockers, message: null }
    const [verb, pronoun] = blockers.length === 1 ? ['requires', 'it'] : ['require', 'them']
    return {
      allowed: false,
      blockers,
      message: `${name} cannot be disabled: ${listNames(blockers)} ${verb} it. Disable ${pronoun} first`,
    }
  }

  #inOrder(names: Set<string>) {
    return [...names].sort((a, b) => this.#position.get(a)! - this.#position.get(b)!)
  }
}

/** The deployment's plugins; filled at boot by `pluginRegistry.load(await discoverPlugins(...))`. */
export const pluginRegistry = new PluginRegistry()
