/**
 * Media: the store behind uploads and inbound attachments, Meta's type/size limits,
 * signed lookaside-style download URLs, a multipart/form-data parser and generated
 * sample files for injected messages.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { ApiError } from './errors.js'
import type { Random } from './random.js'

export interface MediaBlob {
  id: string
  /** The phone number id that uploaded or received it. */
  owner: string
  mimeType: string
  data: Buffer
  sha256: string
  filename?: string
}

const MB = 1024 * 1024

/** Meta's accepted types and sizes per family (the contracts sheet). */
const LIMITS = [
  { family: 'image', maxBytes: 5 * MB, types: ['image/jpeg', 'image/png'] },
  { family: 'video', maxBytes: 16 * MB, types: ['video/mp4', 'video/3gpp'] },
  { family: 'audio', maxBytes: 16 * MB, types: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'] },
  // Static stickers may be 100 KB, animated 500 KB: without decoding, the larger bound.
  { family: 'sticker', maxBytes: 500 * 1024, types: ['image/webp'] },
  {
    family: 'document',
    maxBytes: 100 * MB,
    types: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.ms-excel',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
  },
]

/** An upload's body may be a 100 MB document plus the multipart framing. */
export const UPLOAD_BODY_LIMIT = 101 * MB

/** Download URLs live about five minutes, as Meta's do. */
const URL_TTL_SECONDS = 300

const baseType = (mimeType: string) => mimeType.split(';')[0].trim().toLowerCase()

export class MediaStore {
  #blobs = new Map<string, MediaBlob>()
  #key: Buffer

  constructor(private random: Random) {
    this.#key = random.bytes(32)
  }

  /** An upload, held to Meta's limits (131053). */
  upload(owner: string, mimeType: string, data: Buffer, filename?: string) {
    const limit = LIMITS.find((family) => family.types.includes(baseType(mimeType)))
    if (!limit) {
      const types = LIMITS.flatMap((family) => family.types).join(', ')
      throw new ApiError(131053, `Param file must be a file with one of the following types: ${types}. Received file of type '${mimeType}'.`)
    }
    if (!data.length) throw new ApiError(131053, 'The uploaded file is empty.')
    if (data.length > limit.maxBytes) {
      throw new ApiError(131053, `${limit.family} files may be at most ${limit.maxBytes} bytes; this one has ${data.length}.`)
    }
    return this.store(owner, mimeType, data, filename)
  }

  store(owner: string, mimeType: string, data: Buffer, filename?: string) {
    const blob: MediaBlob = {
      id: this.random.digits(16),
      owner,
      mimeType,
      data,
      sha256: createHash('sha256').update(data).digest('hex'),
      filename,
    }
    this.#blobs.set(blob.id, blob)
    return blob
  }

  get(id: string) {
    return this.#blobs.get(id)
  }

  delete(id: string) {
    return this.#blobs.delete(id)
  }

  clear() {
    this.#blobs.clear()
  }

  /** Like Meta's lookaside URL (360dialog clients swap the host and keep path and query). */
  url(base: string, id: string) {
    const expires = Math.floor(Date.now() / 1000) + URL_TTL_SECONDS
    return `${base}/whatsapp_business/attachments/?mid=${id}&ext=${expires}&hash=${this.#sign(id, expires)}`
  }

  /** The blob a download URL names, if its signature holds and it has not expired. */
  fromUrl(query: URLSearchParams) {
    const id = query.get('mid') ?? ''
    const expires = Number(query.get('ext'))
    const hash = Buffer.from(query.get('hash') ?? '')
    const expected = Buffer.from(this.#sign(id, expires))
    const valid = hash.length === expected.length && timingSafeEqual(hash, expected) && expires * 1000 > Date.now()
    return valid ? this.get(id) : undefined
  }

  #sign(id: string, expires: number) {
    return createHmac('sha256', this.#key).update(`${id}:${expires}`).digest('base64url')
  }
}

/* ---------------------------------------------------------------- multipart */

export interface MultipartFile {
  field: string
  filename?: string
  contentType: string
  data: Buffer
}

/** multipart/form-data into fields and files (small: uploads only). */
export function parseMultipart(body: Buffer, contentType: string) {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType)
  if (!/^multipart\/form-data/i.test(contentType) || !boundary) {
    throw new ApiError(100, 'The request must be multipart/form-data with a boundary.')
  }
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`)
  const fields: Record<string, string> = {}
  const files: MultipartFile[] = []
  let at = body.indexOf(delimiter)
  while (at !== -1) {
    const start = at + delimiter.length
    if (body.subarray(start, start + 2).toString() === '--') break
    const next = body.indexOf(delimiter, start)
    if (next === -1) break
    // Each part sits between "<delimiter>\r\n" and "\r\n<next delimiter>".
    const part = body.subarray(start + 2, next - 2)
    const split = part.indexOf('\r\n\r\n')
    const head = part.subarray(0, split).toString('utf8')
    const data = part.subarray(split + 4)
    const name = /name="([^"]*)"/i.exec(head)?.[1]
    const filename = /filename="([^"]*)"/i.exec(head)?.[1]
    const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim()
    if (name !== undefined && split !== -1) {
      if (filename !== undefined || type) files.push({ field: name, filename, contentType: type ?? 'application/octet-stream', data })
      else fields[name] = data.toString('utf8')
    }
    at = next
  }
  return { fields, files }
}

/* ------------------------------------------------------------ sample files */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Buffer) {
  let c = 0xffffffff
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function pngChunk(type: string, data: Buffer) {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typed))
  return Buffer.concat([length, typed, crc])
}

/** A 16×16 PNG of one colour: a real image, different each time (so is its sha256). */
function colourSquare(random: Random) {
  const size = 16
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit RGB
  const colour = random.bytes(3)
  // Each row: filter byte 0, then the pixels.
  const row = Buffer.concat([Buffer.from([0]), ...Array.from({ length: size }, () => colour)])
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: size }, () => row)))),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

/** A 1×1 lossless WebP. */
const STICKER = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64')

/** What an injected attachment carries when the test gives no bytes. */
export function sampleMedia(type: string, random: Random): { mimeType: string; data: Buffer; filename?: string } {
  switch (type) {
    case 'image':
      return { mimeType: 'image/png', data: colourSquare(random) }
    case 'sticker':
      return { mimeType: 'image/webp', data: STICKER }
    case 'audio':
      return { mimeType: 'audio/ogg; codecs=opus', data: Buffer.concat([Buffer.from('OggS'), random.bytes(60)]) }
    case 'video':
      return { mimeType: 'video/mp4', data: Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42'), random.bytes(60)]) }
    default:
      return {
        mimeType: 'application/pdf',
        filename: 'document.pdf',
        data: Buffer.from(`%PDF-1.4\n% simulator sample ${random.hex(8)}\n%%EOF\n`),
      }
  }
}
