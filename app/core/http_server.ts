import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

/**
 * Gives the request its id — the proxy's X-Request-Id, else a random UUID — before the framework
 * sees it: the framework makes every request's context with a logger bound to that header
 * (`request_id`, on every line the request logs) and answers `request.id()` from it. The
 * framework's own generator (`generateRequestId`: cuid2, SHA-3 in JavaScript) cost more than a
 * webhook's whole signature check, and a middleware setting the id had to make a second child
 * logger for every request (about as much again as the check).
 */
export function giveRequestId(req: IncomingMessage) {
  req.headers['x-request-id'] ||= randomUUID()
}

/** The Node HTTP server in front of the framework's handler (bin/server.ts, and the tests'). */
export function createHttpServer(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  return createServer((req, res) => {
    giveRequestId(req)
    handler(req, res)
  })
}
