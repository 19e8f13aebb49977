import env from '#start/env'
import { defineConfig } from '@adonisjs/transmit'
import { redis } from '@adonisjs/transmit/transports'
import { pubsubChannel } from '#core/pubsub'

/**
 * SSE through Redis pub/sub, so the worker process (and every web replica)
 * can broadcast to browsers connected to any web process.
 */
export default defineConfig({
  pingInterval: '30s',
  transport: {
    channel: pubsubChannel('transmit::broadcast'),
    driver: redis({
      host: env.get('REDIS_HOST'),
      port: env.get('REDIS_PORT'),
      password: env.get('REDIS_PASSWORD'),
      db: env.get('REDIS_DB', 0),
      keyPrefix: 'transmit',
    }),
  },
})
