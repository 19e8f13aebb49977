import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'

const TIMEOUT_MS = 2000

async function probe(check: () => Promise<unknown>) {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS))),
    ])
    return 'ok'
  } catch {
    return 'unreachable'
  } finally {
    clearTimeout(timer)
  }
}

/** GET /health: 200 when every dependency answers, else 503 naming the failing part. */
export default class HealthController {
  /**
   * GET /health/live: the process answers HTTP (a liveness probe). It asks no dependency, so an
   * orchestrator does not restart every replica while PostgreSQL is briefly away.
   */
  live({ response }: HttpContext) {
    return response.json({ status: 'ok' })
  }

  async show({ response }: HttpContext) {
    const [postgres, redisState] = await Promise.all([
      probe(() => db.rawQuery('select 1')),
      probe(() => redis.ping()),
    ])
    const report = {
      status: postgres === 'ok' && redisState === 'ok' ? 'ok' : 'error',
      postgres,
      redis: redisState,
      uptime: Math.round(process.uptime()),
      version: process.env.npm_package_version ?? '0.1.0',
    }
    return response.status(report.status === 'ok' ? 200 : 503).json(report)
  }
}
