/*
| Rate limits. Login attempts count per account+IP (5 a minute, then locked for
| 15 minutes) and per IP across accounts (30 a minute): 429 with Retry-After.
| The API counts per token (API_RATE_PER_MINUTE, default 1,200 requests a minute), the
| registry's publisher API per publisher token (MARKETPLACE_PUBLISHER_RATE_PER_MINUTE, 60).
*/
import limiter from '@adonisjs/limiter/services/main'
import env from '#start/env'

export const loginPerAccount = limiter.use({ requests: 5, duration: '1 min', blockDuration: '15 mins' })
export const loginPerIp = limiter.use({ requests: 30, duration: '1 min', blockDuration: '5 mins' })

export const throttleMail = limiter.define('mail', (ctx) =>
  limiter.allowRequests(5).every('10 mins').usingKey(`mail_${ctx.request.ip()}`)
)

export const apiPerToken = limiter.use({ requests: env.get('API_RATE_PER_MINUTE', 1200), duration: '1 min' })

/** Failed publisher-token attempts on the registry's publisher API, per IP (token guessing). */
export const publisherAuthPerIp = limiter.use({ requests: 20, duration: '1 min', blockDuration: '10 mins' })

/** The publisher API per publisher token (MARKETPLACE_PUBLISHER_RATE_PER_MINUTE, default 60 a minute): 429 with Retry-After. */
export const publisherPerToken = limiter.use({ requests: env.get('MARKETPLACE_PUBLISHER_RATE_PER_MINUTE', 60), duration: '1 min' })
