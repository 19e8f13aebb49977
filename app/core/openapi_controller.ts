import type { HttpContext } from '@adonisjs/core/http'
import { apiDocs } from '#core/api_docs'

/** GET /api/v1/openapi.json: public, so tools can fetch it without a token. */
export default class OpenApiController {
  async show({ response }: HttpContext) {
    // It changes only with a deploy (the installed plugins): clients may keep it a few minutes.
    response.header('cache-control', 'public, max-age=300')
    return response.json(apiDocs.document())
  }
}
