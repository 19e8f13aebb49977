/*
 * Queues outbound messages by the kernel's actions (plugins/messaging/actions/send_message.ts),
 * without HTTP, authentication and validation. Used by the "send" scenario when
 * BENCH_SEND_VIA=bulk (the default) or action. Runs inside the compiled app (booted as a
 * console process):
 *
 *   node scripts/bench/send_enqueue.mjs <build dir> <spec.json>
 *
 * spec: { workspaceId, authorId, conversationIds, count, concurrency, tag, batch? }. Message i
 * goes to conversationIds[i % length] with the text "<tag> #<i>". With `batch`, sendMessages()
 * queues `batch` messages per call, as a campaign does (one INSERT, one wake-up), `concurrency`
 * calls at once; without, sendMessage() queues one per call, with the conversation looked up as
 * the API's controller does, `concurrency` at once. Prints one line
 * `BENCH-RESULT {"queued","seconds","p50","p99","cpuMs","firstError"}` on stdout, then exits.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'

const [buildDir, specFile] = process.argv.slice(2)
if (!buildDir || !specFile) {
  process.stderr.write('usage: node scripts/bench/send_enqueue.mjs <build dir> <spec.json>\n')
  process.exit(2)
}
const spec = JSON.parse(readFileSync(specFile, 'utf8'))
const fromBuild = (path) => import(pathToFileURL(join(buildDir, path)).href)

const { createIgnitor } = await fromBuild('bin/ignitor.js')
const app = createIgnitor().createApp('console')
await app.init()
await app.boot()
await app.start(() => {})

const { sendMessage, sendMessages } = await fromBuild('plugins/messaging/actions/send_message.js')
const { default: Conversation } = await fromBuild('plugins/messaging/models/conversation.js')
const { pluginEnablement } = await fromBuild('app/plugins/enablement.js')
// The web process loads it in its middleware: the hook gate of message.beforeSend reads it.
await pluginEnablement.ensureLoaded()

const cpuBefore = process.cpuUsage()
const latencies = new Float64Array(spec.count)
let next = 0
let queued = 0
let firstError = null
const started = performance.now()
const text = (index) => ({ type: 'text', text: { body: `${spec.tag} #${index}` } })
const author = { type: 'agent', id: spec.authorId }
const batch = spec.batch ?? 0
// sendMessages: the conversations are loaded once, as a campaign loads its audience.
const conversations = batch
  ? new Map((await Conversation.query().where('workspace_id', spec.workspaceId).whereIn('id', spec.conversationIds)).map((c) => [c.id, c]))
  : null
const step = batch || 1
await Promise.all(
  Array.from({ length: Math.min(spec.concurrency, Math.ceil(spec.count / step)) }, async () => {
    while (next < spec.count) {
      const first = next
      next = Math.min(spec.count, next + step)
      const begun = performance.now()
      try {
        if (conversations) {
          const items = []
          for (let index = first; index < next; index++) {
            items.push({ conversation: conversations.get(spec.conversationIds[index % spec.conversationIds.length]), input: text(index), author })
          }
          for (const outcome of await sendMessages(items)) {
            if (outcome.refusal) firstError ??= outcome.refusal.message
            else queued++
          }
        } else {
          // As ConversationsController.send: the conversation of the workspace, then the action.
          const conversation = await Conversation.query()
            .where('workspace_id', spec.workspaceId)
            .where('id', spec.conversationIds[first % spec.conversationIds.length])
            .firstOrFail()
          await sendMessage({ conversation, input: text(first), author })
          queued++
        }
      } catch (error) {
        firstError ??= error?.message ?? String(error)
      }
      // A message's latency is its call's.
      latencies.fill(performance.now() - begun, first, next)
    }
  })
)
const seconds = (performance.now() - started) / 1000
const cpu = process.cpuUsage(cpuBefore)
const sorted = [...latencies].sort((a, b) => a - b)
const at = (fraction) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]
process.stdout.write(`BENCH-RESULT ${JSON.stringify({ queued, seconds, p50: at(0.5), p99: at(0.99), cpuMs: (cpu.user + cpu.system) / 1000, firstError })}\n`)
await app.terminate()
process.exit(0)
