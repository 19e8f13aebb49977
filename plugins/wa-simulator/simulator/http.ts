import type { IncomingMessage, ServerResponse } from 'node:http'

/** What a route answers; server.ts writes it. */
export interface Answer {
  status: number
  /** A Buffer or string is sent as is; anything else as JSON. */
  body?: unknown
  headers?: Record<string, string>
  delayMs?: number
  /** Close the connection without answering (a fault). */
  drop?: boolean
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Answer => ({ status, body, headers })

/** The request as routes see it; the body is read on demand, bounded. */
export class SimRequest {
  readonly url: URL

  constructor(
    readonly raw: IncomingMessage,
    readonly res: ServerResponse
  ) {
    this.url = new URL(raw.url ?? '/', 'http://simulator')
  }

  get method() {
    return this.raw.method ?? 'GET'
  }

  header(name: string) {
    const value = this.raw.headers[name.toLowerCase()]
    return Array.isArray(value) ? value[0] : value
  }

  /** The Authorization header's bearer token. */
  bearer() {
    return /^Bearer\s+(.+)$/i.exec(this.header('authorization') ?? '')?.[1]?.trim()
  }

  query(name: string) {
    return this.url.searchParams.get(name) ?? undefined
  }

  #body: Promise<Buffer> | undefined

  /** Rejects with TooLarge past `limit` bytes. */
  body(limit = 2 * 1024 * 1024) {
    this.#body ??= new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      this.raw.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > limit) {
          reject(new TooLarge(limit))
          this.raw.destroy()
          return
        }
        chunks.push(chunk)
      })
      this.raw.on('end', () => resolve(Buffer.concat(chunks)))
      this.raw.on('error', reject)
    })
    return this.#body
  }

  /** The body as JSON; undefined when it is not JSON. */
  async json(): Promise<unknown> {
    try {
      return JSON.parse((await this.body()).toString('utf8'))
    } catch (error) {
      if (error instanceof TooLarge) throw error
      return undefined
    }
  }
}

export class TooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The body is larger than ${limit} bytes`)
  }
}

/** A route answers, or returns null when it wrote the response itself (server-sent events). */
export type Handler = (req: SimRequest, params: string[]) => Answer | null | Promise<Answer | null>

/** Method + path regex routing; the first match wins, so register specific paths first. */
export class Router {
  #routes: { method: string; pattern: RegExp; handler: Handler }[] = []

  add(method: string, pattern: RegExp, handler: Handler) {
    this.#routes.push({ method, pattern, handler })
  }

  match(method: string, path: string) {
    for (const route of this.#routes) {
      const found = route.method === method ? route.pattern.exec(path) : null
      if (found) return { handler: route.handler, params: found.slice(1).map(decodeURIComponent) }
    }
    return null
  }
}

export function writeAnswer(res: ServerResponse, answer: Answer) {
  const raw = Buffer.isBuffer(answer.body) || typeof answer.body === 'string'
  const body = answer.body === undefined ? '' : raw ? (answer.body as Buffer | string) : JSON.stringify(answer.body)
  const headers: Record<string, string | number> = {
    ...(raw || answer.body === undefined ? {} : { 'content-type': 'application/json; charset=UTF-8' }),
    ...answer.headers,
    'content-length': Buffer.byteLength(body),
  }
  res.writeHead(answer.status, headers)
  res.end(body)
}
