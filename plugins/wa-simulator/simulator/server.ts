/**
 * A loopback WhatsApp API: Meta's Graph API, 360dialog and Gupshup on one node:http server,
 * with a control API (/_sim) and a phone page (/phone). See ../README.md.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { registerCloud, registerDownloads } from './cloud.js'
import { registerControl } from './control.js'
import { registerDialog360 } from './dialog360.js'
import { registerGupshup } from './gupshup.js'
import { json, Router, SimRequest, TooLarge, writeAnswer, type Answer } from './http.js'
import { registerPhonePage } from './phone_page.js'
import { SimState } from './state.js'
import type { Simulator, SimulatorOptions } from './types.js'

export type * from './types.js'

/** Order matters: specific paths first, 360dialog's catch-all GET /{media id} last. */
function routes(state: SimState) {
  const router = new Router()
  registerControl(router, state)
  registerPhonePage(router, state)
  registerDownloads(router, state)
  registerGupshup(router, state)
  registerCloud(router, state)
  registerDialog360(router, state)
  return router
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const state = new SimState(options)
  const router = routes(state)

  const server = createServer(async (raw, res) => {
    const req = new SimRequest(raw, res)
    const started = Date.now()
    let answer: Answer | null
    try {
      const route = router.match(req.method, req.url.pathname)
      answer = route ? await route.handler(req, route.params) : json(404, { error: `No route ${req.method} ${req.url.pathname}` })
    } catch (error) {
      answer =
        error instanceof TooLarge
          ? json(413, { error: error.message })
          : json(500, { error: `Simulator error: ${(error as Error).message}` })
      if (!(error instanceof TooLarge)) state.log(`error ${req.method} ${req.url.pathname}: ${(error as Error).stack}`)
    }
    if (!answer) return
    if (answer.delayMs) await sleep(answer.delayMs)
    if (answer.drop) {
      raw.socket.destroy()
      return
    }
    if (!res.destroyed) writeAnswer(res, answer)
    if (!req.url.pathname.startsWith('/_sim/')) {
      state.log(`${answer.status} ${req.method} ${req.url.pathname} (${Date.now() - started} ms)`)
    }
  })
  server.keepAliveTimeout = 30_000

  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  // A wildcard address is not one to call: URLs (media, the phone page) use loopback.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
  const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`
  state.baseUrl = url

  return {
    url,
    addNumber: (config) => state.addNumber(config),
    numbers: () => [...state.numbers.values()].map((number) => number.info),
    inject: async (phoneNumberId, inbound) => (await state.inject(phoneNumberId, inbound)).id,
    received: (phoneNumberId) => state.received.filter((item) => !phoneNumberId || item.phoneNumberId === phoneNumberId),
    injected: (phoneNumberId) => state.injected.filter((item) => !phoneNumberId || item.phoneNumberId === phoneNumberId),
    fault: (phoneNumberId, responses) => void state.number(phoneNumberId).faults.push(...responses),
    stats: () => state.stats(),
    reset: (resetOptions) => state.reset(resetOptions?.keepNumbers ?? false),
    settle: (timeoutMs = 10_000) => state.pending.idle(timeoutMs),
    close: async () => {
      state.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
