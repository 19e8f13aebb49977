import { defineConfig } from '@adonisjs/auth'
import { sessionGuard, sessionUserProvider } from '@adonisjs/auth/session'
import { tokensGuard, tokensUserProvider } from '@adonisjs/auth/access_tokens'
import type { InferAuthEvents, Authenticators } from '@adonisjs/auth/types'
import { readingCachedUsers } from '#auth/cached_user_provider'

const authConfig = defineConfig({
  default: 'web',
  guards: {
    // Staff in the admin: a session cookie (HTTP-only, secure in production).
    web: sessionGuard({
      useRememberMeTokens: false,
      provider: readingCachedUsers(
        sessionUserProvider({
          model: () => import('#auth/models/user'),
        })
      ),
    }),
    // /api/v1: personal access tokens, each bound to one workspace and a set of abilities.
    api: tokensGuard({
      provider: readingCachedUsers(
        tokensUserProvider({
          tokens: 'accessTokens',
          model: () => import('#auth/models/user'),
        })
      ),
    }),
  },
})

export default authConfig

declare module '@adonisjs/auth/types' {
  export interface Authenticators extends InferAuthenticators<typeof authConfig> {}
}
declare module '@adonisjs/core/types' {
  interface EventsList extends InferAuthEvents<Authenticators> {}
}
