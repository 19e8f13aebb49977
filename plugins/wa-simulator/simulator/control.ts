/**
 * The control API under /_sim: what the Simulator object does, over JSON, so a simulator
 * started by `node ace wa:simulator` can be driven by tests, the quickstart and benchmarks.
 */
import { ApiError } from './errors.js'
import { json, type Answer, type Router, type SimRequest } from './http.js'
import { InvalidNumber } from './numbers.js'
import { UnknownNumber, type Change, type SimState } from './state.js'
import type { FaultResponse, InboundInput, NumberConfig } from './types.js'
import { isObject } from './validate.js'

/** Control errors in one plain shape: { error, code? }. */
async function control(run: () => Answer | Promise<Answer>) {
  try {
    return await run()
  } catch (error) {
    if (error instanceof UnknownNumber) return json(404, { error: error.message })
    if (error instanceof InvalidNumber) return json(422, { error: error.message })
    if (error instanceof ApiError) return json(400, { error: error.details, code: error.code })
    throw error
  }
}

/** The JSON body (an object, or an array where a route takes several), typed as the route expects. */
async function objectBody<Shape>(req: SimRequest) {
  const body = await req.json()
  if (!isObject(body) && !Array.isArray(body)) throw new ApiError(100, 'The body must be a JSON object')
  return body as Shape
}

export function registerControl(router: Router, state: SimState) {
  router.add('GET', /^\/_sim\/numbers$/, () => json(200, { numbers: [...state.numbers.values()].map((number) => number.info) }))

  router.add('POST', /^\/_sim\/numbers$/, (req) =>
    control(async () => {
      const body = await objectBody<NumberConfig | NumberConfig[]>(req)
      const configs = Array.isArray(body) ? body : [body]
      return json(201, { numbers: configs.map((config) => state.addNumber(config)) })
    })
  )

  router.add('POST', /^\/_sim\/inbound$/, (req) =>
    control(async () => {
      const { phoneNumberId, ...input } = await objectBody<InboundInput & { phoneNumberId: string }>(req)
      const { id, webhook } = await state.inject(String(phoneNumberId), input)
      return json(200, { id, webhook })
    })
  )

  router.add('GET', /^\/_sim\/messages$/, (req) => {
    const id = req.query('phoneNumberId')
    return json(200, { messages: state.received.filter((item) => !id || item.phoneNumberId === id) })
  })

  router.add('GET', /^\/_sim\/inbound$/, (req) => {
    const id = req.query('phoneNumberId')
    return json(200, { messages: state.injected.filter((item) => !id || item.phoneNumberId === id) })
  })

  router.add('POST', /^\/_sim\/faults$/, (req) =>
    control(async () => {
      const body = await objectBody<{ phoneNumberId?: string; responses?: FaultResponse[] }>(req)
      const responses = Array.isArray(body.responses) ? body.responses : []
      if (!responses.every((response) => isObject(response) && Number.isInteger(response.status))) {
        throw new ApiError(100, 'responses must be [{ status, body?, delayMs?, drop? }, …]')
      }
      const number = state.number(String(body.phoneNumberId))
      number.faults.push(...responses)
      return json(200, { queued: number.faults.length })
    })
  )

  router.add('GET', /^\/_sim\/stats$/, () => json(200, state.stats()))

  router.add('POST', /^\/_sim\/settle$/, async (req) => {
    try {
      await state.pending.idle(Number(req.query('timeoutMs')) || 10_000)
      return json(200, { settled: true })
    } catch (error) {
      return json(504, { settled: false, error: (error as Error).message })
    }
  })

  router.add('DELETE', /^\/_sim\/reset$/, (req) => {
    const keepNumbers = ['1', 'true'].includes(req.query('keepNumbers') ?? '')
    state.reset(keepNumbers)
    return json(200, { reset: true, keepNumbers })
  })

  // Server-sent events: { phoneNumberId, customer } whenever something changes (the phone page listens).
  router.add('GET', /^\/_sim\/events$/, (req) => {
    const only = req.query('phoneNumberId')
    req.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    req.res.write(': connected\n\n')
    const listener = (change: Change) => {
      if (!only || change.phoneNumberId === only) req.res.write(`data: ${JSON.stringify(change)}\n\n`)
    }
    const heartbeat = setInterval(() => req.res.write(': ping\n\n'), 15_000)
    state.changes.on('change', listener)
    req.raw.on('close', () => {
      clearInterval(heartbeat)
      state.changes.off('change', listener)
    })
    return null
  })
}
