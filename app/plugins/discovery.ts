/**
 * Plugin discovery: scans `<root>/<name>/plugin.ts|js`, validates each definition, checks
 * `requires` (other plugins and the core version), refuses cycles, and returns the plugins
 * in dependency order (requirements first; ties broken by name, so the order never depends
 * on the file system). Everything else a plugin has is found by convention and reported in
 * `paths`.
 *
 * Every problem in every plugin is collected before refusing, so one boot shows them all.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import semver from 'semver'
import app from '@adonisjs/core/services/app'
import { abilities } from '#access/roles'
import type { PluginDefinition } from '#plugins/define_plugin'
import { validateDefinition } from '#plugins/validation'

/** Optional parts of a plugin, found by convention (absolute paths; null when absent). */
export interface PluginPaths {
  /** routes.ts|js: mounted under /w/:workspace/<name> and /api/v1/<name>. */
  routes: string | null
  /** channels.ts|js: transmit channel authorization rules. */
  channels: string | null
  /** views/: the Edge disk '<name>::'. */
  views: string | null
  /** database/migrations/: added to Lucid's migrations.paths in dependency order. */
  migrations: string | null
  /** database/seeders/ */
  seeders: string | null
  /** lang/: i18n files (lang/<locale>/*.json). */
  lang: string | null
  /** tests/: Japa files (tests/{unit,functional,browser}/**). */
  tests: string | null
  /** commands/: ace commands. */
  commands: string | null
  readme: string | null
}

export interface DiscoveredPlugin {
  name: string
  version: string
  description: string
  requires: { core: string | null; plugins: Record<string, string> }
  /** What plugin.ts exported (functions and schemas included). */
  definition: PluginDefinition
  /** Absolute path of the plugin's folder. */
  root: string
  /** Absolute path of plugin.ts (or plugin.js). */
  entry: string
  paths: PluginPaths
}

export interface DiscoveryOptions {
  /** Version the core is at; defaults to the app's package.json version. */
  coreVersion?: string
}

export class PluginDiscoveryError extends Error {
  code = 'E_PLUGIN_DISCOVERY'
  constructor(
    readonly problems: string[],
    root: string
  ) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} problems with the plugins in ${display(root)}:\n- ${problems.join('\n- ')}`
    )
    this.name = 'PluginDiscoveryError'
  }
}

const ENTRY_FILES = ['plugin.ts', 'plugin.js']

function display(path: string) {
  const shown = relative(process.cwd(), path)
  return shown && !shown.startsWith('..') ? shown : path
}

function firstExisting(candidates: string[], kind: 'file' | 'directory'): string | null {
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue
    const stats = statSync(candidate)
    if (kind === 'file' ? stats.isFile() : stats.isDirectory()) return candidate
  }
  return null
}

function conventionPaths(root: string): PluginPaths {
  const file = (name: string) => firstExisting([join(root, `${name}.ts`), join(root, `${name}.js`)], 'file')
  const dir = (...segments: string[]) => firstExisting([join(root, ...segments)], 'directory')
  return {
    routes: file('routes'),
    channels: file('channels'),
    views: dir('views'),
    migrations: dir('database', 'migrations'),
    seeders: dir('database', 'seeders'),
    lang: dir('lang'),
    tests: dir('tests'),
    commands: dir('commands'),
    readme: firstExisting([join(root, 'README.md')], 'file'),
  }
}

let packageVersion: string | undefined
function appVersion() {
  packageVersion ??= JSON.parse(readFileSync(app.makePath('package.json'), 'utf8')).version as string
  return packageVersion
}

/** "a", "a and b", "a, b and c" */
export function listNames(names: string[]) {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/**
 * Finds, validates and orders the plugins under `roots` (folders of plugin folders,
 * e.g. app.makePath('plugins')). Throws a PluginDiscoveryError listing every problem.
 * A missing root holds no plugins.
 */
export async function discoverPlugins(roots: string | string[], options: DiscoveryOptions = {}): Promise<DiscoveredPlugin[]> {
  const coreVersion = options.coreVersion ?? appVersion()
  const root = [roots].flat().map(display).join(', ')

  const problems: string[] = []
  /** Folders that hold a plugin that could not be loaded, so dependents say so instead of "not installed". */
  const broken = new Set<string>()
  const found: DiscoveredPlugin[] = []

  const folders: { folder: string; pluginRoot: string }[] = []
  for (const base of [roots].flat()) {
    if (!existsSync(base)) continue
    for (const entry of await readdir(base, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) folders.push({ folder: entry.name, pluginRoot: join(base, entry.name) })
    }
  }
  folders.sort((a, b) => a.folder.localeCompare(b.folder))

  for (const { folder, pluginRoot } of folders) {
    const entry = firstExisting(
      ENTRY_FILES.map((file) => join(pluginRoot, file)),
      'file'
    )
    if (!entry) {
      problems.push(`Folder ${display(pluginRoot)} has no plugin.ts; every plugin folder needs one`)
      broken.add(folder)
      continue
    }

    let definition: unknown
    try {
      definition = (await import(pathToFileURL(entry).href)).default
    } catch (error) {
      problems.push(`Plugin ${folder} (${display(entry)}) fails to load: ${(error as Error).message}`)
      broken.add(folder)
      continue
    }

    const invalid = await validateDefinition(definition, folder)
    if (invalid.length) {
      problems.push(`Plugin ${folder} (${display(entry)}) is invalid: ${invalid.join('; ')}`)
      broken.add(folder)
      continue
    }

    const valid = definition as PluginDefinition
    found.push({
      name: valid.name,
      version: valid.version,
      description: valid.description,
      requires: { core: valid.requires?.core ?? null, plugins: { ...valid.requires?.plugins } },
      definition: valid,
      root: pluginRoot,
      entry,
      paths: conventionPaths(pluginRoot),
    })
  }

  const byName = new Map(found.map((plugin) => [plugin.name, plugin]))

  for (const plugin of found) {
    const { core, plugins: required } = plugin.requires
    if (core && !semver.satisfies(coreVersion, core)) {
      problems.push(
        `Plugin ${plugin.name} requires Switchboard core ${core}, but the core is ${coreVersion}; upgrade Switchboard or use a release of ${plugin.name} made for ${coreVersion}`
      )
    }
    for (const [name, range] of Object.entries(required)) {
      const installed = byName.get(name)
      if (name === plugin.name) {
        problems.push(`Plugin ${plugin.name} requires itself; remove that requirement`)
      } else if (broken.has(name)) {
        problems.push(`Plugin ${plugin.name} requires ${name} ${range}, but ${name} could not be loaded (see its problem)`)
      } else if (!installed) {
        problems.push(`Plugin ${plugin.name} requires ${name} ${range}, but ${name} is not installed`)
      } else if (!semver.satisfies(installed.version, range)) {
        problems.push(`Plugin ${plugin.name} requires ${name} ${range}, but ${name} ${installed.version} is installed`)
      }
    }
  }

  for (const cycle of findCycles(found)) {
    problems.push(`Plugins ${cycle.join(' → ')} require each other; remove one of the requirements`)
  }

  for (const plugin of found) problems.push(...referenceProblems(plugin, byName))

  if (problems.length) throw new PluginDiscoveryError(problems, root)
  return orderByRequirements(found)
}

/** Names of the plugins `plugin` requires, directly or through others (cycle-safe). */
function transitiveRequirements(plugin: DiscoveredPlugin, byName: Map<string, DiscoveredPlugin>) {
  const seen = new Set<string>()
  const visit = (current: DiscoveredPlugin) => {
    for (const name of Object.keys(current.requires.plugins)) {
      const required = byName.get(name)
      if (!required || seen.has(name)) continue
      seen.add(name)
      visit(required)
    }
  }
  visit(plugin)
  seen.delete(plugin.name)
  return seen
}

/**
 * Abilities that navigation items and slots name must exist: in the core, in the plugin
 * itself, or in a plugin it requires (anything else would be refused for every role).
 */
function referenceProblems(plugin: DiscoveredPlugin, byName: Map<string, DiscoveredPlugin>) {
  const known = new Set(Object.keys(plugin.definition.abilities ?? {}))
  for (const name of transitiveRequirements(plugin, byName)) {
    for (const ability of Object.keys(byName.get(name)!.definition.abilities ?? {})) known.add(ability)
  }
  const exists = (ability: string) => known.has(ability) || abilities.has(ability)

  const problems: string[] = []
  for (const [index, item] of (plugin.definition.navigation ?? []).entries()) {
    if (!exists(item.ability)) {
      problems.push(
        `Plugin ${plugin.name}: navigation.${index} needs ability "${item.ability}", which neither the core, ${plugin.name} nor a plugin it requires declares`
      )
    }
  }
  for (const [slot, fill] of Object.entries(plugin.definition.slots ?? {})) {
    if (fill?.ability && !exists(fill.ability)) {
      problems.push(
        `Plugin ${plugin.name}: slots.${slot} needs ability "${fill.ability}", which neither the core, ${plugin.name} nor a plugin it requires declares`
      )
    }
  }
  return problems
}

/**
 * Every distinct cycle among `plugins`' requirements, each as a path that starts and ends
 * with its alphabetically first member: ['bots', 'inbox', 'bots'].
 */
export function findCycles(plugins: Pick<DiscoveredPlugin, 'name' | 'requires'>[]): string[][] {
  const byName = new Map(plugins.map((plugin) => [plugin.name, plugin]))
  const edges = (name: string) =>
    Object.keys(byName.get(name)?.requires.plugins ?? {})
      .filter((required) => required !== name && byName.has(required))
      .sort()

  const cycles = new Map<string, string[]>()
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []

  const visit = (name: string) => {
    state.set(name, 'visiting')
    stack.push(name)
    for (const next of edges(name)) {
      if (state.get(next) === 'visiting') {
        const members = stack.slice(stack.indexOf(next))
        const key = [...members].sort().join('|')
        if (!cycles.has(key)) {
          // Rotate so the path starts at the alphabetically first member.
          const start = members.indexOf([...members].sort()[0])
          const rotated = [...members.slice(start), ...members.slice(0, start)]
          cycles.set(key, [...rotated, rotated[0]])
        }
      } else if (!state.has(next)) {
        visit(next)
      }
    }
    stack.pop()
    state.set(name, 'done')
  }

  for (const name of [...byName.keys()].sort()) if (!state.has(name)) visit(name)
  return [...cycles.values()]
}

/**
 * Topological order (Kahn): a plugin comes after everything it requires; among plugins
 * that are ready at the same time, alphabetical. Assumes no cycles (findCycles first).
 */
export function orderByRequirements<Plugin extends Pick<DiscoveredPlugin, 'name' | 'requires'>>(plugins: Plugin[]) {
  const byName = new Map(plugins.map((plugin) => [plugin.name, plugin]))
  const waitingOn = new Map(
    plugins.map((plugin) => [
      plugin.name,
      new Set(Object.keys(plugin.requires.plugins).filter((name) => name !== plugin.name && byName.has(name))),
    ])
  )
  const ordered: Plugin[] = []
  while (waitingOn.size) {
    const ready = [...waitingOn].filter(([, pending]) => pending.size === 0).map(([name]) => name).sort()
    if (!ready.length) throw new Error(`Plugins ${[...waitingOn.keys()].join(', ')} require each other`)
    const next = ready[0]
    ordered.push(byName.get(next)!)
    waitingOn.delete(next)
    for (const pending of waitingOn.values()) pending.delete(next)
  }
  return ordered
}
