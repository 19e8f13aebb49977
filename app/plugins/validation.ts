/**
 * Validates a plugin definition (what plugins/<name>/plugin.ts exports) with VineJS, so a
 * plugin written in plain JS gets the same rules the types express, and every mistake
 * comes back as one readable line naming the field.
 */
import vine, { SimpleMessagesProvider, VineObject, errors } from '@vinejs/vine'
import semver from 'semver'
import { ROLES } from '#access/roles'
import type { PluginDefinition, SettingInput } from '#plugins/define_plugin'

/** kebab-case: lowercase letters and digits in words joined by single hyphens, starting with a letter. */
export const PLUGIN_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/

const SETTING_INPUTS: SettingInput[] = ['text', 'textarea', 'number', 'email', 'url', 'password', 'checkbox', 'select', 'color']

/** Keys a definition may have; anything else is most likely a typo ("require", "ability"). */
export const DEFINITION_KEYS = [
  'name',
  'version',
  'description',
  'requires',
  'abilities',
  'settings',
  'navigation',
  'slots',
  'hooks',
  'jobs',
  'setup',
  'data',
] as const

interface Meta {
  /** The folder the definition was found in; the name must equal it. */
  folder: string
}

const equalsFolder = vine.createRule((value, _options, field) => {
  const folder = (field.meta as Meta).folder
  if (typeof value === 'string' && value !== folder) {
    field.report(`must equal the folder name "${folder}" (found "${value}")`, 'equalsFolder', field)
  }
})

const semverVersion = vine.createRule((value, _options, field) => {
  if (typeof value === 'string' && semver.valid(value) === null) {
    field.report(`must be a semver version such as 1.2.0 (found "${value}")`, 'semver', field)
  }
})

const semverRange = vine.createRule((value, _options, field) => {
  if (typeof value === 'string' && semver.validRange(value) === null) {
    field.report(`must be a semver range such as ^1.0.0 (found "${value}")`, 'semverRange', field)
  }
})

/** "<plugin>.<something>": keeps abilities, jobs and the like from colliding across plugins. */
const ownPrefix = vine.createRule((value, _options, field) => {
  const prefix = `${(field.meta as Meta).folder}.`
  if (typeof value === 'string' && (!value.startsWith(prefix) || value.length === prefix.length)) {
    field.report(`must start with "${prefix}" (found "${value}")`, 'ownPrefix', field)
  }
})

/** Slot templates live on the plugin's own Edge disk. */
const ownDisk = vine.createRule((value, _options, field) => {
  const disk = `${(field.meta as Meta).folder}::`
  if (typeof value === 'string' && (!value.startsWith(disk) || value.length === disk.length)) {
    field.report(`must be a template on the plugin's own disk, "${disk}…" (found "${value}")`, 'ownDisk', field)
  }
})

const isFunction = vine.createRule((value, _options, field) => {
  if (typeof value !== 'function') field.report('must be a function', 'function', field)
})

const isVineObject = vine.createRule((value, _options, field) => {
  if (!(value instanceof VineObject)) field.report('must be a VineJS schema made with vine.object({...})', 'vineObject', field)
})

const ABILITY_OR_SLOT_NAME = /^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)+$/

const definitionSchema = vine.object({
  name: vine.string().regex(PLUGIN_NAME).maxLength(50).use(equalsFolder()),
  version: vine.string().use(semverVersion()),
  description: vine.string().trim().minLength(1).maxLength(300),
  requires: vine
    .object({
      core: vine.string().use(semverRange()).optional(),
      plugins: vine
        .record(vine.string().use(semverRange()))
        .validateKeys((keys, field) => {
          for (const key of keys.filter((name) => !PLUGIN_NAME.test(name))) {
            field.report(`names "${key}", which is not a plugin name (kebab-case)`, 'pluginName', field)
          }
        })
        .optional(),
    })
    .optional(),
  abilities: vine
    .record(
      vine.object({
        description: vine.string().trim().minLength(1),
        roles: vine.array(vine.enum(ROLES)),
      })
    )
    .validateKeys((keys, field) => {
      const prefix = `${(field.meta as Meta).folder}.`
      for (const key of keys) {
        if (!key.startsWith(prefix) || !ABILITY_OR_SLOT_NAME.test(key)) {
          field.report(`"${key}" must be a dotted name starting with "${prefix}"`, 'ownPrefix', field)
        }
      }
    })
    .optional(),
  settings: vine
    .object({
      schema: vine.any().use(isVineObject()),
      fields: vine
        .record(
          vine.object({
            label: vine.string().minLength(1),
            input: vine.enum(SETTING_INPUTS).optional(),
            help: vine.string().optional(),
            placeholder: vine.string().optional(),
            options: vine.array(vine.object({ value: vine.string(), label: vine.string() })).optional(),
          })
        )
        .optional(),
      defaults: vine.record(vine.any()).optional(),
    })
    .optional(),
  navigation: vine
    .array(
      vine.object({
        key: vine.string().minLength(1).optional(),
        label: vine.string().minLength(1),
        icon: vine.string().minLength(1),
        route: vine.string().minLength(1),
        ability: vine.string().minLength(1),
        section: vine.enum(['main', 'settings'] as const),
        order: vine.number(),
      })
    )
    .optional(),
  slots: vine
    .record(
      vine.object({
        view: vine.string().use(ownDisk()),
        load: vine.any().use(isFunction()).optional(),
        ability: vine.string().optional(),
        order: vine.number().optional(),
      })
    )
    .validateKeys((keys, field) => {
      for (const key of keys.filter((name) => !ABILITY_OR_SLOT_NAME.test(name))) {
        field.report(`"${key}" is not a slot name (dotted, like "contact.sidebar")`, 'slotName', field)
      }
    })
    .optional(),
  hooks: vine
    .object({
      taps: vine.array(vine.string().minLength(1)).optional(),
      provides: vine.array(vine.string().minLength(1)).optional(),
    })
    .optional(),
  jobs: vine
    .array(
      vine
        .object({
          name: vine.string().use(ownPrefix()),
          handle: vine.any().use(isFunction()),
        })
        .allowUnknownProperties()
    )
    .optional(),
  data: vine
    .object({
      tables: vine.array(vine.string().regex(/^[a-z_][a-z0-9_]*$/)).minLength(1),
    })
    .optional(),
  setup: vine.any().use(isFunction()).optional(),
})

const validator = vine.compile(definitionSchema)

/** Phrased to follow the field's path: "version must be …". */
const messages = new SimpleMessagesProvider({
  'required': 'is required',
  'string': 'must be a string',
  'number': 'must be a number',
  'array': 'must be an array',
  'object': 'must be an object',
  'record': 'must be an object',
  'enum': 'must be one of {{ choices }}',
  'minLength': 'must not be empty',
  'maxLength': 'must be at most {{ max }} characters long',
  'name.regex':
    'must be kebab-case: lowercase letters and digits in words joined by hyphens, starting with a letter (e.g. "google-sheets")',
})

/**
 * Checks `definition` against the rules; returns one line per problem (empty when valid).
 * `folder` is the plugin's folder name, which the name must equal.
 */
export async function validateDefinition(definition: unknown, folder: string): Promise<string[]> {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    return ['the default export must be definePlugin({ ... })']
  }
  const problems: string[] = []
  try {
    await validator.validate(definition, { meta: { folder } satisfies Meta, messagesProvider: messages })
  } catch (error) {
    if (!(error instanceof errors.E_VALIDATION_ERROR)) throw error
    for (const { field, message } of error.messages as { field: string; message: string }[]) {
      problems.push(message.startsWith('The ') ? message : `${field} ${message}`)
    }
  }

  const unknown = Object.keys(definition).filter((key) => !(DEFINITION_KEYS as readonly string[]).includes(key))
  for (const key of unknown) {
    problems.push(`"${key}" is not a definition key (expected one of ${DEFINITION_KEYS.join(', ')})`)
  }

  const settings = (definition as PluginDefinition).settings
  if (settings?.schema instanceof VineObject && settings.fields) {
    const properties = Object.keys(settings.schema.getProperties())
    for (const key of Object.keys(settings.fields).filter((field) => !properties.includes(field))) {
      problems.push(`settings.fields.${key} describes a field the settings schema does not have`)
    }
  }
  return problems
}
