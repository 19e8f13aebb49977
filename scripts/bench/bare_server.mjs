/*
 * The baseline for `npm run bench`: a bare node:http server answering every request
 * with a tiny JSON 200. Started as a child process by scripts/bench.mjs:
 *   node scripts/bench/bare_server.mjs <port> [host]
 */
import http from 'node:http'

const port = Number(process.argv[2])
const host = process.argv[3] || '127.0.0.1'
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: node scripts/bench/bare_server.mjs <port> [host]\n')
  process.exit(2)
}

const body = Buffer.from(JSON.stringify({ status: 'ok' }))

const server = http.createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length })
  response.end(body)
})

server.listen(port, host)
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)))
}
