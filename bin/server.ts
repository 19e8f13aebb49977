import cluster from 'node:cluster'
import os from 'node:os'
import { prettyPrintError } from '@adonisjs/core'
import { createIgnitor } from './ignitor.js'
import { createHttpServer } from '#core/http_server'

/*
| WEB_CONCURRENCY web processes share the port (node:cluster), to use every core of one host;
| across hosts, run more replicas. Processes share nothing but PostgreSQL and Redis, exactly
| like replicas. Unset or "auto": one per core in production (one process leaves a core idle
| on a small server), one elsewhere (development reloads, debuggers).
*/
function webProcesses(setting = process.env.WEB_CONCURRENCY?.trim()) {
  if (setting && setting !== 'auto') return Math.max(1, Number(setting) || 1)
  return process.env.NODE_ENV === 'production' ? os.availableParallelism() : 1
}
const processes = webProcesses()

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
    .start(createHttpServer)
    .catch((error) => {
      process.exitCode = 1
      prettyPrintError(error)
    })
}
