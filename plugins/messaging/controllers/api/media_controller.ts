import type { HttpContext } from '@adonisjs/core/http'
import { readFile } from 'node:fs/promises'
import vine from '@vinejs/vine'
import Media from '#messaging/models/media'
import { storeMedia, readMedia } from '#messaging/services/media_store'

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
    return response.created({ data: media.serialize() })
  }

  /** A provider that sends media by link (Gupshup) fetches it here, with a signed URL. */
  async download({ params, request, response }: HttpContext) {
    if (!request.hasValidSignature()) return response.forbidden({ errors: [{ message: 'This link is invalid or expired' }] })
    const media = await Media.findOrFail(Number(params.id) || 0)
    response.header('content-type', media.mime)
    response.header('content-disposition', `inline; filename="${media.filename.replace(/["\\\r\n]/g, '_')}"`)
    return response.send(await readMedia(media))
  }
}
