import type { HttpContext } from '@adonisjs/core/http'
import { errors } from '@vinejs/vine'
import type { VineValidator } from '@vinejs/vine'
import { LabelledMessages } from '#core/labelled_messages'
import Channel from '#messaging/models/channel'
import { Refusal } from '#messaging/services/refusal'

/** Fields whose values are never flashed back into the session after a failed form. */
export const SECRET_FIELDS = ['accessToken', 'appSecret', 'verifyToken', 'apiKey', 'webhookSecret', 'webhookHeaderValue']

/** HTMX or a script: errors go back as 422 JSON (the core's handler); a plain form goes back. */
const answersWithJson = ({ request }: HttpContext) =>
  !!request.header('hx-request') || request.accepts(['html', 'json']) === 'json'

/** Validates a form (or `data`) with labelled messages. Use inside `formAction`. */
export async function validateForm<T extends VineValidator<any, any>>(
  ctx: HttpContext,
  validator: T,
  data?: Record<string, unknown>
): Promise<Awaited<ReturnType<T['validate']>>> {
  return (await ctx.request.validateUsing(validator, { data: data ?? ctx.request.all(), messagesProvider: new LabelledMessages(ctx.i18n, 'messaging.fields') })) as any
}

/**
 * Handles a form post: `work` validates and acts. A Refusal naming a field (an invalid phone
 * number) becomes that field's error; a plain form goes back with its errors and without the
 * secrets typed into it (HTMX and scripts get the core's 422 JSON).
 */
export async function formAction(ctx: HttpContext, work: () => Promise<unknown>): Promise<unknown> {
  try {
    return await work()
  } catch (error) {
    let failure = error
    if (error instanceof Refusal && error.field) {
      failure = new errors.E_VALIDATION_ERROR([{ field: error.field, rule: 'refused', message: error.message.replace(`${error.field}: `, '') }])
    }
    if (failure instanceof errors.E_VALIDATION_ERROR && !answersWithJson(ctx)) {
      ctx.session.flashValidationErrors(failure)
      ctx.session.flashExcept(['_csrf', '_method', ...SECRET_FIELDS])
      return ctx.response.redirect().back()
    }
    throw failure
  }
}

/** This workspace's channel `id`; another workspace's (or none) is a 404. */
export function findChannel(ctx: HttpContext) {
  return Channel.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
}
