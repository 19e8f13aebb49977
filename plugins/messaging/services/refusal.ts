import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * A request we understood and will not carry out, with the reason (422): a free-form message
 * outside the 24-hour window, a template that does not match, a filter that cancelled. The API
 * answers `{ errors: [{ field?, message }] }`; a form goes back with the message flashed.
 */
export class Refusal extends Exception {
  static status = 422
  static code = 'E_REFUSED'

  constructor(message: string, readonly field?: string) {
    super(message, { status: 422, code: 'E_REFUSED' })
  }

  async handle(error: Refusal, ctx: HttpContext) {
    const body = { errors: [{ message: error.message, ...(error.field ? { field: error.field } : {}) }] }
    if (ctx.request.url().startsWith('/api/') || ctx.request.header('hx-request') || ctx.request.accepts(['html', 'json']) === 'json') {
      return ctx.response.status(422).send(body)
    }
    ctx.session.flash('error', error.message)
    return ctx.response.redirect().back()
  }
}
