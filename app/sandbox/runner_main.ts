/**
 * The sandbox runner: a child process (forked by app/sandbox/runner.ts with --no-node-snapshot)
 * that hosts every isolate of the process that started it. It holds scripts, grants and limits
 * only: no app, no database, no settings, no secrets. A script's capability calls go back over
 * IPC to the host, which runs them in the context of the call that caused them.
 *
 * If a script takes this process down (some isolated-vm operations abort it), the host fails the
 * calls in flight and starts a new runner; nothing here needs to survive.
 */
import { Sandbox } from '#sandbox/sandbox'
import { SandboxFault, type FromRunner, type ToRunner } from '#sandbox/protocol'

if (!process.send) throw new Error('The sandbox runner is started by the app (app/sandbox/runner.ts), over IPC')

const sandboxes = new Map<string, Sandbox>()
const pendingCapabilities = new Map<number, { resolve(out: string | undefined): void; reject(error: Error): void }>()
let nextCapability = 0

/** Outgoing messages of this tick, written as one array: pipelined calls cost one IPC write. */
let outbox: FromRunner[] = []
function send(message: FromRunner) {
  if (outbox.push(message) === 1) setImmediate(flush)
}
function flush() {
  const batch = outbox
  outbox = []
  process.send!(batch)
}

function sandboxFor(key: string) {
  const sandbox = sandboxes.get(key)
  if (!sandbox) throw new SandboxFault('load', `no sandbox loaded for ${key}`)
  return sandbox
}

function load(key: string, message: Extract<ToRunner, { t: 'load' }>) {
  sandboxes.get(key)?.dispose()
  const sandbox = new Sandbox({
    spec: message.spec,
    invoke: (name, args, callId) =>
      new Promise((resolve, reject) => {
        const id = ++nextCapability
        pendingCapabilities.set(id, { resolve, reject })
        send({ t: 'capability', id, call: callId, name, args })
      }),
  })
  sandboxes.set(key, sandbox)
}

async function call({ id, key, hook, json }: Extract<ToRunner, { t: 'call' }>) {
  try {
    const out = await sandboxFor(key).call(hook, json, id)
    send({ t: 'done', id, ok: true, out })
  } catch (error) {
    const fault = error instanceof SandboxFault ? error : new SandboxFault('error', String((error as Error)?.message ?? error))
    send({ t: 'done', id, ok: false, kind: fault.kind, message: fault.message })
  }
}

function handle(message: ToRunner) {
  switch (message.t) {
    case 'load':
      return load(message.key, message)
    case 'unload':
      sandboxes.get(message.key)?.dispose()
      return sandboxes.delete(message.key)
    case 'call':
      return call(message)
    case 'answer': {
      const pending = pendingCapabilities.get(message.id)
      pendingCapabilities.delete(message.id)
      return message.ok ? pending?.resolve(message.out) : pending?.reject(new Error(message.out))
    }
    case 'ping':
      return send({ t: 'pong' })
    case 'stats':
      return send({ t: 'stats', id: message.id, rss: process.memoryUsage.rss(), heaps: Object.fromEntries([...sandboxes].map(([key, sandbox]) => [key, sandbox.heapUsed()])) })
  }
}

process.on('message', (batch: ToRunner[]) => {
  for (const message of batch) handle(message)
})
// The host went away (or closed the channel): nothing left to serve.
process.on('disconnect', () => process.exit(0))
send({ t: 'ready' })
