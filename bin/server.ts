import cluster from 'node:cluster'
import { prettyPrintError } from '@adonisjs/core'
import { createIgnitor } from './ignitor.js'

/*
| WEB_CONCURRENCY > 1 runs that many web processes sharing the port (node:cluster), to use
| every core of one host; across hosts, run more replicas. Processes share nothing but
| PostgreSQL and Redis, exactly like replicas.
*/
const processes = Math.max(1, Number(process.env.WEB_CONCURRENCY ?? 1) || 1)

if (cluster.isPrimary && processes > 1) {
  let stopping = false
  for (let i = 0; i < processes; i++) cluster.fork()
  cluster.on('exit', (worker, code) => {
    if (!stopping) {
      console.error(`web process ${worker.process.pid} exited (${code}); starting another`)
      cluster.fork()
    }
  })
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      stopping = true
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM')
    })
  }
} else {
  createIgnitor()
    .httpServer()
    .start()
    .catch((error) => {
      process.exitCode = 1
      prettyPrintError(error)
    })
}
