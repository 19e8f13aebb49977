import type { HttpContext } from '@adonisjs/core/http'
import { readFile } from 'node:fs/promises'
import vine from '@vinejs/vine'
import Media from '#messaging/models/media'
import { storeMedia, readMedia } from '#messaging/services/media_store'
import { mediaJson } from '#messaging/presenters'

// The request body limit (config/bodyparser.ts); each type's own limit is the provider's to enforce.
const uploadValidator = vine.compile(vine.object({ file: vine.file({ size: '20mb' }) }))

/** POST /api/v1/media: a file to send later as `{ "image": { "mediaId": … } }`. */
export default class MediaController {
  async store({ request, tenant, response }: HttpContext) {
    const { file } = await request.validateUsing(uploadValidator)
    const media = await storeMedia({
      workspaceId: tenant.workspace.id,
      bytes: await readFile(file.tmpPath!),
      mime: file.headers['content-type'] ?? `${file.type ?? 'application'}/${file.subtype ?? 'octet-stream'}`,
      filename: file.clientName,
    })
    return response.created({ data: mediaJson(media) })
  }

  /** GET /api/v1/media/:id: the file (an inbound photo, a document) for the workspace's members. */
  async show({ params, tenant, response }: HttpContext) {
    const media = await Media.query().where('workspace_id', tenant.workspace.id).where('id', Number(params.id) || 0).firstOrFail()
    return sendFile(response, media)
  }

  /** A provider that sends media by link (Gupshup) fetches it here, with a signed URL. */
  async download({ params, request, response }: HttpContext) {
    if (!request.hasValidSignature()) return response.forbidden({ errors: [{ message: 'This link is invalid or expired' }] })
    return sendFile(response, await Media.findOrFail(Number(params.id) || 0))
  }
}

async function sendFile(response: HttpContext['response'], media: Media) {
  response.header('content-type', media.mime)
  // Never rendered as a page of ours: a customer's "image" could be HTML.
  response.header('x-content-type-options', 'nosniff')
  response.header('content-disposition', `attachment; filename="${media.filename.replace(/["\\\r\n]/g, '_')}"`)
  return response.send(await readMedia(media))
}
