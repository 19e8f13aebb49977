/*
 * Queues outbound messages by the action the API calls — sendMessage() of
 * plugins/messaging/actions/send_message.ts, with the conversation looked up as the controller
 * does — without HTTP, authentication and validation. Used by the "send" scenario when
 * BENCH_SEND_VIA=action. Runs inside the compiled app (booted as a console process):
 *
 *   node scripts/bench/send_enqueue.mjs <build dir> <spec.json>
 *
 * spec: { workspaceId, authorId, conversationIds, count, concurrency, tag }. Message i goes to
 * conversationIds[i % length] with the text "<tag> #<i>". Prints one line
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

const { sendMessage } = await fromBuild('plugins/messaging/actions/send_message.js')
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
await Promise.all(
  Array.from({ length: Math.min(spec.concurrency, spec.count) }, async () => {
    while (next < spec.count) {
      const index = next++
      const begun = performance.now()
      try {
        // As ConversationsController.send: the conversation of the workspace, then the action.
        const conversation = await Conversation.query()
          .where('workspace_id', spec.workspaceId)
          .where('id', spec.conversationIds[index % spec.conversationIds.length])
          .firstOrFail()
        await sendMessage({ conversation, input: { type: 'text', text: { body: `${spec.tag} #${index}` } }, author: { type: 'agent', id: spec.authorId } })
        queued++
      } catch (error) {
        firstError ??= error?.message ?? String(error)
      }
      latencies[index] = performance.now() - begun
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
