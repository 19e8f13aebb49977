import type { HttpContext } from '@adonisjs/core/http'
import type { CookieOptions } from '@adonisjs/core/types/http'
import type { SessionData, SessionStoreContract } from '@adonisjs/session/types'

/** A session that changed nothing re-sends its cookie (to slide its expiry) at most this often. */
export const TOUCH_EVERY_MS = 60 * 60 * 1000
// When the cookie was written, kept inside it; never seen by the session's values.
const WRITTEN_AT = '__written_at'

/**
 * The session in an encrypted cookie, like the framework's cookie store, at two encryptions
 * less per page: the cookie is decrypted once per request (the framework's `touch` decrypts it
 * a second time), and a request that changed nothing re-encrypts it only when it was written
 * more than TOUCH_EVERY_MS ago (the framework's does on every request). The cookie still lives
 * the session's `age` after it was last written, so an idle session ends between `age` − 1 h
 * and `age` after its last request.
 */
export class CookieSessionStore implements SessionStoreContract {
  #read: { id: string; values: SessionData | null; writtenAt: number } | undefined

  constructor(
    private readonly cookie: Partial<CookieOptions>,
    private readonly ctx: HttpContext
  ) {}

  read(sessionId: string) {
    if (this.#read?.id !== sessionId) {
      const cookie = this.ctx.request.encryptedCookie(sessionId)
      if (cookie === null || typeof cookie !== 'object') {
        this.#read = { id: sessionId, values: null, writtenAt: 0 }
      } else {
        const { [WRITTEN_AT]: writtenAt, ...values } = cookie as SessionData
        this.#read = { id: sessionId, values, writtenAt: Number(writtenAt) || 0 }
      }
    }
    return this.#read!.values
  }

  write(sessionId: string, values: SessionData) {
    const writtenAt = Date.now()
    this.#read = { id: sessionId, values, writtenAt }
    this.ctx.response.encryptedCookie(sessionId, { ...values, [WRITTEN_AT]: writtenAt }, this.cookie)
  }

  destroy(sessionId: string) {
    this.#read = { id: sessionId, values: null, writtenAt: 0 }
    if (this.ctx.request.cookiesList()[sessionId]) this.ctx.response.clearCookie(sessionId)
  }

  touch(sessionId: string) {
    const values = this.read(sessionId)
    if (values && Date.now() - this.#read!.writtenAt >= TOUCH_EVERY_MS) this.write(sessionId, values)
  }
}
