import 'reflect-metadata'
import { Ignitor } from '@adonisjs/core'

const APP_ROOT = new URL('../', import.meta.url)

/**
 * The one Ignitor set-up shared by the HTTP server, ace and the test runner.
 * Relative paths are resolved from the app root so the same code runs from
 * sources (development, tests) and from the compiled build.
 */
export function createIgnitor() {
  return new Ignitor(APP_ROOT, {
    importer: (filePath: string) => {
      if (filePath.startsWith('./') || filePath.startsWith('../')) {
        return import(new URL(filePath, APP_ROOT).href)
      }
      return import(filePath)
    },
  }).tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
    app.listen('SIGTERM', () => app.terminate())
    app.listenIf(app.managedByPm2, 'SIGINT', () => app.terminate())
  })
}
