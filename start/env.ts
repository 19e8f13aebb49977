/*
| Every environment variable the app reads, validated at boot. .env.example documents each.
*/
import { Env } from '@adonisjs/core/env'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number(),
  HOST: Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.string(),
  APP_URL: Env.schema.string.optional(),
  TRUSTED_PROXIES: Env.schema.string.optional(),
  LOG_LEVEL: Env.schema.string.optional(),
  SESSION_DRIVER: Env.schema.enum(['cookie', 'memory', 'redis'] as const),

  DB_HOST: Env.schema.string({ format: 'host' }),
  DB_PORT: Env.schema.number(),
  DB_USER: Env.schema.string(),
  DB_PASSWORD: Env.schema.string.optional(),
  DB_DATABASE: Env.schema.string(),

  REDIS_HOST: Env.schema.string({ format: 'host' }),
  REDIS_PORT: Env.schema.number(),
  REDIS_PASSWORD: Env.schema.string.optional(),
  // Which Redis database (0-15): lets a benchmark or a second checkout share one Redis server.
  REDIS_DB: Env.schema.number.optional(),

  MAIL_MAILER: Env.schema.enum(['smtp', 'file'] as const),
  MAIL_FROM_ADDRESS: Env.schema.string(),
  MAIL_FROM_NAME: Env.schema.string.optional(),
  SMTP_HOST: Env.schema.string.optional(),
  SMTP_PORT: Env.schema.number.optional(),
  SMTP_USERNAME: Env.schema.string.optional(),
  SMTP_PASSWORD: Env.schema.string.optional(),

  LIMITER_STORE: Env.schema.enum(['redis', 'memory'] as const),
  SIGNUP: Env.schema.enum.optional(['open', 'first-only'] as const),
  API_RATE_PER_MINUTE: Env.schema.number.optional(),

  GRAPH_API_VERSION: Env.schema.string.optional(),

  // Bots: may a flow's HTTP request node call private / loopback addresses (default: no)
  BOTS_HTTP_ALLOW_PRIVATE: Env.schema.boolean.optional(),

  // Marketplace: other registries to read catalogues from (comma-separated base URLs; this
  // instance's own is always read), and hosts sandboxed scripts may call although they resolve
  // to private addresses (comma-separated)
  MARKETPLACE_REGISTRIES: Env.schema.string.optional(),
  MARKETPLACE_ALLOW_INTERNAL_HOSTS: Env.schema.string.optional(),
  // Requests per minute per publisher token on the registry's publisher API (default 60)
  MARKETPLACE_PUBLISHER_RATE_PER_MINUTE: Env.schema.number.optional(),

  // Media storage (config/drive.ts): local disk, or S3-compatible
  DRIVE_DISK: Env.schema.enum.optional(['fs', 's3'] as const),
  DRIVE_FS_ROOT: Env.schema.string.optional(),
  DRIVE_S3_KEY: Env.schema.string.optional(),
  DRIVE_S3_SECRET: Env.schema.string.optional(),
  DRIVE_S3_REGION: Env.schema.string.optional(),
  DRIVE_S3_BUCKET: Env.schema.string.optional(),
  DRIVE_S3_ENDPOINT: Env.schema.string.optional(),
})
