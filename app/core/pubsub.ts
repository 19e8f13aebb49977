import env from '#start/env'

/**
 * Redis pub/sub channels are global to the server: REDIS_DB does not separate them. Two installs
 * sharing one Redis server (see REDIS_DB in .env.example) would otherwise hear each other's
 * realtime broadcasts and cache invalidations, so every channel name carries the database index.
 */
export function pubsubChannel(name: string) {
  return `${name}:db${env.get('REDIS_DB', 0)}`
}
