import { Exception } from '@adonisjs/core/exceptions'

/** The signed-in user (or token) lacks an ability. Rendered as 403 by the handler. */
export class ForbiddenException extends Exception {
  static status = 403
  static code = 'E_FORBIDDEN'

  constructor(public ability: string) {
    super(`Your role may not do this (${ability})`, { status: 403, code: 'E_FORBIDDEN' })
  }
}
