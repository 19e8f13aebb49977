/**
 * `definePlugin`: the one file every plugin has (plugins/<name>/plugin.ts).
 *
 *   export default definePlugin({
 *     name: 'inbox',
 *     version: '1.0.0',
 *     description: 'Shared team inbox',
 *     requires: { core: '^0.1.0', plugins: { messaging: '^1.0.0' } },
 *     abilities: { 'inbox.reply': { description: 'Reply to conversations', roles: ['owner', 'admin', 'agent'] } },
 *     navigation: [{ label: 'inbox.nav', icon: 'inbox', route: 'inbox.index', ability: 'inbox.reply', section: 'main', order: 10 }],
 *     setup(host) { host.hooks.tap('message.received', { plugin: host.plugin.name }, async (event) => {}) },
 *   })
 *
 * It returns the definition unchanged; the types guide the author, and discovery
 * (./discovery.ts) validates the same rules at boot, so a plugin written without types
 * (plugin.js) gets the same messages.
 *
 * This module only declares types: it must stay cheap to import (every plugin does).
 */
import type { HttpContext } from '@adonisjs/core/http'
import type { Logger } from '@adonisjs/core/logger'
import type { VineObject } from '@vinejs/vine'
import type { Infer, SchemaTypes } from '@vinejs/vine/types'
import type { Role, abilities } from '#access/roles'
import type { NavigationItem, navigation } from '#ui/navigation'
import type { JobDefinition, jobs } from '#jobs/registry'

/* ----------------------------------------------------------------- requires */

export interface PluginRequirements {
  /** A semver range the running Switchboard core (package.json version) must satisfy, e.g. '^0.1.0'. */
  core?: string
  /** Other plugins by name, each with a semver range, e.g. `{ messaging: '^1.0.0' }`. */
  plugins?: Record<string, string>
}

/* ---------------------------------------------------------------- abilities */

/** An ability the plugin adds to the registry (app/access/roles.ts). Its name must start with "<plugin>.". */
export interface PluginAbility {
  description: string
  /** Core roles that hold it by default. */
  roles: Role[]
}

/* ----------------------------------------------------------------- settings */

/** How a settings field is rendered; the VineJS schema decides what is valid. */
export type SettingInput =
  | 'text'
  | 'textarea'
  | 'number'
  | 'email'
  | 'url'
  | 'password'
  | 'checkbox'
  | 'select'
  | 'color'

export interface SettingField {
  /** i18n key of the label. */
  label: string
  /** Defaults to 'text'. 'password' values are never echoed back into the form. */
  input?: SettingInput
  /** i18n key of a help line under the field. */
  help?: string
  /** i18n key of the placeholder. */
  placeholder?: string
  /** For 'select': the choices (label is an i18n key). */
  options?: { value: string; label: string }[]
}

export type SettingsSchema = VineObject<Record<string, SchemaTypes>, any, any, any>

export interface PluginSettings<Schema extends SettingsSchema = SettingsSchema> {
  /** `vine.object({...})`: validates what the settings form submits. */
  schema: Schema
  /** Per-field UI metadata, keyed by the schema's properties (a field without an entry gets a text input labelled by its name). */
  fields?: { [Key in keyof Infer<Schema>]?: SettingField }
  /** Values a new installation starts with. */
  defaults?: Partial<Infer<Schema>>
}

/** The settings type of a plugin definition: `PluginSettingsOf<typeof plugin>`. */
export type PluginSettingsOf<Definition> = Definition extends { settings?: PluginSettings<infer Schema> }
  ? Infer<Schema>
  : Record<string, never>

/* --------------------------------------------------------------- navigation */

/** A sidebar item. `key` defaults to the route name; the host prefixes nothing, so keep keys unique. */
export type PluginNavigationItem = Omit<NavigationItem, 'key'> & { key?: string }

/* -------------------------------------------------------------------- slots */

/**
 * Named places in core and plugin pages that other plugins fill. Plugins that render a
 * slot may declare its props here by declaration merging:
 *
 *   declare module '#plugins/define_plugin' {
 *     interface SlotCatalogue { 'contact.sidebar': { contactId: number } }
 *   }
 */
export interface SlotCatalogue {
  'dashboard.widgets': Record<string, unknown>
  /** In the shell's user menu, on every page of a workspace (e.g. the inbox's presence switch). */
  'user.menu': Record<string, unknown>
}

export type SlotName = keyof SlotCatalogue | (string & {})

export interface SlotLoadContext {
  http: HttpContext
  workspaceId: number
  /** What the page that renders the slot passes (e.g. `{ contactId }`). */
  props: Record<string, unknown>
}

export interface SlotFill {
  /** Edge template on the plugin's own disk: '<plugin>::partials/card'. */
  view: string
  /** Loads the data the template renders; runs only when the plugin is enabled for the workspace. */
  load?: (ctx: SlotLoadContext) => Promise<Record<string, unknown>> | Record<string, unknown>
  /** Ability the viewer needs to see it. */
  ability?: string
  /** Lower comes first among fills of one slot; defaults to 100. */
  order?: number
}

/* -------------------------------------------------------------------- hooks */

/** Documentation of the plugin's place on the hook bus (shown on the Plugins page and in docs). */
export interface PluginHooksDeclaration {
  /** Hook names it taps (the taps themselves are made in `setup`). */
  taps?: string[]
  /** Hook names it adds to the catalogue and calls. */
  provides?: string[]
}

/* --------------------------------------------------------------------- host */

/**
 * Types the host's services may be narrowed to by declaration merging, e.g. the hook bus:
 *
 *   declare module '#plugins/define_plugin' {
 *     interface PluginHostTypes { hooks: HookBus }
 *   }
 *
 * Until then `host.hooks` is the loose shape below.
 */
export interface PluginHostTypes {}

export interface UntypedHooks {
  tap(
    name: string,
    options: { plugin: string; stage?: number; timeoutMs?: number },
    fn: (...args: any[]) => unknown
  ): unknown
}

export type PluginHostHooks = PluginHostTypes extends { hooks: infer Hooks } ? Hooks : UntypedHooks

/** What `setup(host)` receives. */
export interface PluginHost {
  /** The plugin being set up. */
  plugin: { name: string; version: string; root: string }
  hooks: PluginHostHooks
  jobs: typeof jobs
  abilities: typeof abilities
  navigation: typeof navigation
  logger: Logger
}

/* --------------------------------------------------------------- definition */

export interface PluginDefinition<Schema extends SettingsSchema = SettingsSchema> {
  /** kebab-case, equal to the folder name. */
  name: string
  /** semver, e.g. '1.2.0'. */
  version: string
  /** One sentence for the Plugins page. */
  description: string
  requires?: PluginRequirements
  /** Abilities it adds, by name ("<plugin>.<thing>"). */
  abilities?: Record<string, PluginAbility>
  settings?: PluginSettings<Schema>
  navigation?: PluginNavigationItem[]
  slots?: { [Name in SlotName]?: SlotFill }
  hooks?: PluginHooksDeclaration
  /** Job definitions (`defineJob`); their names must start with "<plugin>.". */
  jobs?: JobDefinition<any>[]
  /**
   * The tables that hold the plugin's rows, each with a `workspace_id` column: what a workspace
   * can export and then delete ("Remove data"), children before parents.
   */
  data?: { tables: string[] }
  /** Runs once at boot, in dependency order, after abilities, navigation and jobs are registered. */
  setup?: (host: PluginHost) => void | Promise<void>
}

/** Typed identity: returns `definition` unchanged. Validation happens at discovery. */
export function definePlugin<Schema extends SettingsSchema = SettingsSchema>(
  definition: PluginDefinition<Schema>
): PluginDefinition<Schema> {
  return definition
}
