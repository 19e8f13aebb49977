import type { IncomingMessage } from 'node:http'

/**
 * A request's body as UTF-8 text, for handlers that check a signature over the exact bytes and
 * parse it once themselves (the body parser is skipped for them: see `rawBody` in
 * app/plugins/routes.ts). Null when it is larger than `limit` bytes: what arrives beyond it is
 * read and dropped, so the caller can still answer 413 on the same connection.
 */
export async function readRawBody(request: IncomingMessage, limit: number) {
  if (Number(request.headers['content-length']) > limit) {
    request.resume()
    return null
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size <= limit) chunks.push(chunk)
  }
  return size > limit ? null : Buffer.concat(chunks, size).toString('utf8')
}
