/**
 * Ace loader for plugins' commands (plugins/<name>/commands/*.ts). Ace reads command
 * metadata before the app boots, so this looks for the folders directly rather than
 * through plugin discovery.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { FsLoader } from '@adonisjs/core/ace'
import type { CommandMetaData } from '@adonisjs/core/types/ace'
import { pluginRoots } from '#plugins/installed'

const loaders = pluginRoots().flatMap((root) =>
  (existsSync(root) ? readdirSync(root, { withFileTypes: true }) : [])
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'commands')))
    .map((entry) => new FsLoader(join(root, entry.name, 'commands')))
)

export async function getMetaData() {
  return (await Promise.all(loaders.map((loader) => loader.getMetaData()))).flat()
}

export async function getCommand(metaData: CommandMetaData) {
  for (const loader of loaders) {
    const command = await loader.getCommand(metaData)
    if (command) return command
  }
  return null
}
