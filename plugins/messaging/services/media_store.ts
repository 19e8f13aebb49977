import { createHash } from 'node:crypto'
import { extname } from 'node:path'
import drive from '@adonisjs/drive/services/main'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Media from '#messaging/models/media'

export interface NewMedia {
  workspaceId: number
  messageId?: number | null
  bytes: Buffer
  mime: string
  filename: string
}

/** Puts the bytes on the drive disk (under the workspace, named by content hash) and records them. */
export async function storeMedia(file: NewMedia, trx?: TransactionClientContract) {
  const sha256 = createHash('sha256').update(file.bytes).digest('hex')
  const extension = extname(file.filename).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 10)
  const path = `workspaces/${file.workspaceId}/media/${sha256}${extension}`
  await drive.use().put(path, file.bytes, { contentType: file.mime })
  return Media.create(
    {
      workspaceId: file.workspaceId,
      messageId: file.messageId ?? null,
      path,
      filename: file.filename.slice(0, 255),
      mime: file.mime.slice(0, 120),
      size: file.bytes.length,
      sha256,
    },
    { client: trx }
  )
}

/** The stored bytes of a media row. */
export async function readMedia(media: Media) {
  return Buffer.from(await drive.use().getBytes(media.path))
}
