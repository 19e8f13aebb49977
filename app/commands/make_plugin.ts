import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * First path segments of the core's own pages and API (start/routes.ts): a plugin is mounted
 * at /w/:workspace/<name> and /api/v1/<name>, so it must not take one of these.
 */
const CORE_PATHS = [
  'settings',
  'members',
  'invitations',
  'api-tokens',
  'audit',
  'workspaces',
  'branding',
  'plugins',
  'diagnostics',
  'jobs',
  'workspace',
  'me',
]

export default class MakePlugin extends BaseCommand {
  static commandName = 'make:plugin'
  static description = 'Create plugins/<name>/ with a plugin.ts, a page, language files, a README and a passing test'
  // Works without booting the app, so a broken plugin elsewhere does not stop you making a new one.
  static options: CommandOptions = { startApp: false }

  @args.string({ description: 'Plugin name, kebab-case (e.g. hello-world)' })
  declare name: string

  @flags.string({ description: 'Folder of plugin folders to create it in (default: plugins/)' })
  declare root?: string

  @flags.string({ description: 'One sentence for the Plugins page' })
  declare description?: string

  async run() {
    const { existsSync, readFileSync } = await import('node:fs')
    const { mkdir, readdir, readFile, writeFile } = await import('node:fs/promises')
    const { dirname, join, relative, resolve } = await import('node:path')
    const { fileURLToPath } = await import('node:url')
    const { PLUGIN_NAME } = await import('#plugins/validation')
    const { pluginRegistry } = await import('#plugins/registry')
    const { abilities } = await import('#access/roles')

    const name = this.name.trim()
    if (!PLUGIN_NAME.test(name) || name.length > 40) {
      this.logger.error(
        `"${name}" is not a plugin name: use kebab-case, lowercase letters and digits in words joined by single hyphens, starting with a letter, at most 40 characters (e.g. hello-world)`
      )
      this.exitCode = 1
      return
    }

    const root = resolve(this.root ?? this.app.makePath('plugins'))
    const target = join(root, name)
    const shown = (path: string) => {
      const relativePath = relative(process.cwd(), path)
      return relativePath && !relativePath.startsWith('..') ? relativePath : path
    }
    if (existsSync(target)) {
      this.logger.error(`${shown(target)} already exists; choose another name or remove that folder`)
      this.exitCode = 1
      return
    }
    if (pluginRegistry.has(name)) {
      this.logger.error(`A plugin named ${name} is already installed (${shown(pluginRegistry.get(name)!.root)})`)
      this.exitCode = 1
      return
    }
    const reserved = await this.#reservedNames(abilities.all().map((ability) => ability.name))
    if (reserved.has(name) || CORE_PATHS.includes(name)) {
      this.logger.error(
        `"${name}" is taken by the core (its pages, API, abilities or language files use it); choose another name`
      )
      this.exitCode = 1
      return
    }

    const words = name.split('-').join(' ')
    const title = words.charAt(0).toUpperCase() + words.slice(1)
    const description = (this.description ?? `Describe in one sentence what ${title} adds`).replace(/\s+/g, ' ').trim()
    const coreVersion = JSON.parse(readFileSync(this.app.makePath('package.json'), 'utf8')).version as string
    const markers: Record<string, string> = {
      __NAME__: name,
      __TITLE__: title,
      __DESCRIPTION_STRING__: `'${description.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`,
      __DESCRIPTION__: description,
      __CORE_RANGE__: `^${coreVersion}`,
    }
    const fill = (text: string) => text.replace(/__[A-Z_]+__/g, (marker) => markers[marker] ?? marker)

    const stubs = fileURLToPath(new URL('../plugins/stubs/plugin/', import.meta.url))
    const files = (await readdir(stubs, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile() && entry.name.endsWith('.stub'))
      .map((entry) => join(entry.parentPath, entry.name))
      .sort()

    const created: string[] = []
    for (const stub of files) {
      const destination = join(target, fill(relative(stubs, stub)).replace(/\.stub$/, ''))
      const contents = fill(await readFile(stub, 'utf8'))
      const leftover = contents.match(/__[A-Z_]+__/)
      if (leftover) throw new Error(`Stub ${relative(stubs, stub)} uses an unknown marker ${leftover[0]}`)
      await mkdir(dirname(destination), { recursive: true })
      await writeFile(destination, contents, { flag: 'wx' })
      created.push(destination)
    }

    this.logger.success(`Created plugin ${name} in ${shown(target)}`)
    for (const file of created) this.logger.log(`  ${this.colors.green('create')} ${shown(file)}`)
    const testFile = shown(join(target, 'tests', 'functional', `${name}.spec.ts`))
    this.logger.log('')
    this.logger.log('Next steps:')
    this.logger.log(`  1. Restart the app (plugins are found at boot); ${name} is then installed and off everywhere`)
    this.logger.log(
      `  2. Enable it for one workspace: Workspace → Plugins, or node ace plugin:enable ${name} --workspace <slug>`
    )
    this.logger.log(`  3. Open /w/<slug>/${name}`)
    this.logger.log(`  4. Run its test: node ace test functional --files=${testFile}`)
    this.logger.log(`  5. Describe it in ${shown(join(target, 'README.md'))}; how plugins work: docs/plugin-authoring.md`)
  }

  /** Prefixes of the core's abilities and its language files' names ('members' from members.view, nav.json...). */
  async #reservedNames(abilityNames: string[]) {
    const { readdir } = await import('node:fs/promises')
    const names = new Set(abilityNames.map((ability) => ability.split('.')[0]))
    const langRoot = this.app.languageFilesPath()
    for (const locale of await readdir(langRoot, { withFileTypes: true }).catch(() => [])) {
      if (!locale.isDirectory()) continue
      for (const file of await readdir(`${langRoot}/${locale.name}`)) names.add(file.replace(/\.(json|ya?ml)$/, ''))
    }
    return names
  }
}
