import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, targets } from '@adonisjs/core/logger'

const loggerConfig = defineConfig({
  default: 'app',
  loggers: {
    app: {
      enabled: true,
      name: 'switchboard',
      level: env.get('LOG_LEVEL', app.inTest ? 'warn' : 'info'),
      // Never log credentials, cookies or tokens.
      redact: {
        paths: ['password', '*.password', 'headers.authorization', 'headers.cookie', '*.token'],
        censor: '[redacted]',
      },
      transport: {
        targets: targets()
          .pushIf(app.inDev, targets.pretty())
          .pushIf(!app.inDev, targets.file({ destination: 1 }))
          .toArray(),
      },
    },
  },
})

export default loggerConfig

declare module '@adonisjs/core/types' {
  export interface LoggersList extends InferLoggers<typeof loggerConfig> {}
}
