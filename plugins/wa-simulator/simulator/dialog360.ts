/**
 * 360dialog (waba-v2): Meta's bodies on paths without a version or phone number id; the
 * D360-API-KEY header says which number a request is for.
 */
import { ApiError, dialogErrorBody } from './errors.js'
import { json, type Answer, type Router, type SimRequest } from './http.js'
import { metaAnswer, metaMediaInfo, metaMessages, metaUpload } from './cloud.js'
import type { SimNumber } from './numbers.js'
import type { SimState } from './state.js'
import { checkLink, isObject } from './validate.js'

/** Runs a handler for the key's number; a missing or unknown key is 360dialog's own 401. */
function withKey(state: SimState, req: SimRequest, run: (number: SimNumber) => Answer | Promise<Answer>) {
  const number = state.byApiKey('360dialog', req.header('d360-api-key'))
  if (!number) {
    state.countRejection(undefined, 401)
    return json(401, dialogErrorBody(401, 'Invalid api key', state.random))
  }
  return metaAnswer(state, number.info.phoneNumberId, () => run(number))
}

/** The key's own media only. */
function ownMedia(state: SimState, number: SimNumber, id: string) {
  const blob = state.media.get(id)
  if (!blob || blob.owner !== number.info.phoneNumberId) throw new ApiError(100, `Media ${id} does not exist.`, 404)
  return blob
}

export function registerDialog360(router: Router, state: SimState) {
  router.add('POST', /^\/messages$/, (req) => withKey(state, req, (number) => metaMessages(state, number, req)))
  router.add('POST', /^\/media$/, (req) => withKey(state, req, (number) => metaUpload(state, number, req)))

  router.add('GET', /^\/v1\/configs\/templates$/, (req) =>
    withKey(state, req, (number) => {
      const templates = state.templates.list(number.info.wabaId)
      return json(200, {
        count: templates.length,
        filters: {},
        limit: 1000,
        offset: 0,
        sort: ['id'],
        total: templates.length,
        waba_templates: templates.map((template) => ({
          category: template.category,
          components: template.components,
          external_id: template.id,
          language: template.language,
          name: template.name,
          namespace: `sim_${number.info.wabaId}`,
          parameter_format: template.parameter_format,
          rejected_reason: 'NONE',
          status: template.status.toLowerCase(),
        })),
      })
    })
  )

  // Where the number's webhooks go: POST {url, headers} as 360dialog's onboarding does.
  router.add('POST', /^\/v1\/configs\/webhook$/, (req) =>
    withKey(state, req, async (number) => {
      const body = await req.json()
      if (!isObject(body)) throw new ApiError(100, 'The request body must be a JSON object.')
      const url = checkLink(body.url, 'url')
      const headers = isObject(body.headers) ? (body.headers as Record<string, string>) : number.info.webhookHeaders
      state.addNumber({ ...number.info, webhookUrl: url, webhookHeaders: headers })
      return json(200, { url })
    })
  )
  router.add('GET', /^\/v1\/configs\/webhook$/, (req) => withKey(state, req, (number) => json(200, { url: number.info.webhookUrl })))

  router.add('GET', /^\/([^/_][^/]*)$/, (req, [id]) => withKey(state, req, (number) => metaMediaInfo(state, ownMedia(state, number, id))))
  router.add('DELETE', /^\/([^/_][^/]*)$/, (req, [id]) =>
    withKey(state, req, (number) => {
      state.media.delete(ownMedia(state, number, id).id)
      return json(200, { success: true })
    })
  )
}
