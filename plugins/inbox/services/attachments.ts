/**
 * What the composer may send as a file, by WhatsApp's rules (../shared/docs/whatsapp-contracts.md,
 * "Media"): JPEG and PNG go as images (5 MB), MP4 and 3GP as videos (16 MB), AAC, AMR, MP3, M4A
 * and OGG/Opus as audio (16 MB); any other file goes as a document (WhatsApp takes 100 MB, our
 * request limit, config/bodyparser.ts, is 20 MB). A GIF, a WebP or a MOV are documents: WhatsApp
 * would refuse them as images or videos.
 */
const MB = 1024 * 1024

export const ATTACHMENT_LIMITS = {
  image: { mimes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
  video: { mimes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
  audio: { mimes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * MB },
  document: { mimes: null, maxBytes: 20 * MB },
} as const

export type AttachmentKind = keyof typeof ATTACHMENT_LIMITS

/** Other names the same formats go by (file-type's and browsers'). */
const ALIASES: Record<string, string> = {
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'audio/opus': 'audio/ogg',
  'audio/x-aac': 'audio/aac',
  'audio/mp3': 'audio/mpeg',
  'video/3gp': 'video/3gpp',
}

/** The MIME type WhatsApp knows the file by. */
export const canonicalMime = (mime: string) => {
  const bare = mime.toLowerCase().split(';')[0].trim()
  return ALIASES[bare] ?? bare
}

/** How a file of this type is sent. */
export function attachmentKind(mime: string): AttachmentKind {
  const canonical = canonicalMime(mime)
  const kinds = Object.keys(ATTACHMENT_LIMITS) as AttachmentKind[]
  return kinds.find((kind) => (ATTACHMENT_LIMITS[kind].mimes as readonly string[] | null)?.includes(canonical)) ?? 'document'
}

/** "5 MB": a limit as the refusal states it. */
export const megabytes = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MB`
