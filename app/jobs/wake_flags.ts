import redis from '@adonisjs/redis/services/main'

/**
 * Wake-up flags: "a job that will look at the table is queued and has not started yet". Work
 * whose queue is a table (messages to send, webhooks to process) raises the flag after its rows
 * committed and queues a job only when it was down; the job lowers it before it reads the
 * table, so rows committed after that raise it again and queue another. However many callers,
 * one job per wake-up, and no row is left waiting. The TTL is a safety net should the job be
 * lost (a flushed Redis); the sweepers catch what waits meanwhile.
 */
const PREFIX = 'sb:wake:'
const TTL_MS = 60_000

/** Raises the flag; true when it was down (the caller queues the job). */
export async function raiseWakeFlag(name: string) {
  return (await redis.connection().ioConnection.set(PREFIX + name, '1', 'PX', TTL_MS, 'NX')) === 'OK'
}

/** Lowers the flag: the job is about to read its table. */
export async function lowerWakeFlag(name: string) {
  await redis.connection().ioConnection.del(PREFIX + name)
}

/**
 * Forgets every pending wake-up: for whoever emptied the queues by hand (a drained queue, a
 * test between groups), else the next rows would wait for the flag's TTL.
 */
export async function forgetWakeUps() {
  const connection = redis.connection().ioConnection
  let cursor = '0'
  do {
    const [next, keys] = await connection.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 500)
    if (keys.length) await connection.del(...keys)
    cursor = next
  } while (cursor !== '0')
}
