import app from '@adonisjs/core/services/app'
import { defineConfig, loaders } from '@adonisjs/i18n'
import { CompiledIcuFormatter } from '#core/icu_formatter'
import { installedPlugins } from '#plugins/installed'

const pluginLanguageFiles = (await installedPlugins()).flatMap((plugin) => plugin.paths.lang ?? [])

const i18nConfig = defineConfig({
  defaultLocale: 'en',
  supportedLocales: ['en', 'ru'],
  fallbackLocales: { ru: 'en' },
  formatter: () => new CompiledIcuFormatter(),
  // The core's strings, then each plugin's lang/<locale>/<plugin>.json.
  loaders: [app.languageFilesPath(), ...pluginLanguageFiles].map((location) => loaders.fs({ location })),
})

export default i18nConfig
