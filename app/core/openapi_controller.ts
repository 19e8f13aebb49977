import type { HttpContext } from '@adonisjs/core/http'
import { apiDocs } from '#core/api_docs'

/** GET /api/v1/openapi.json: public, so tools can fetch it without a token. */
export default class OpenApiController {
  async show({ response }: HttpContext) {
    // Changes only with a deploy (the installed plugins); a short cache spares rebuilding it per call.
    response.header('cache-control', 'public, max-age=300')
    return response.json(apiDocs.document())
  }
}
