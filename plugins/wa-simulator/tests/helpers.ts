/**
 * Test helpers: a real simulator on a free port and a real node:http webhook receiver.
 */
import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startSimulator, type NumberConfig, type Simulator } from '#simulator/simulator/server'

export interface Delivery {
  url: string
  headers: IncomingHttpHeaders
  /** The exact bytes received. */
  raw: Buffer
  body: any
}

export interface Receiver {
  url: string
  deliveries: Delivery[]
  /** Answer the next POSTs with these statuses (then 200). */
  answer(...statuses: number[]): void
  close(): Promise<void>
}

export async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = []
  const queued: number[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      deliveries.push({ url: req.url ?? '', headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) })
      res.writeHead(queued.shift() ?? 200).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries,
    answer: (...statuses) => queued.push(...statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** A simulator and a receiver, closed when the test ends. */
export async function rig(cleanup: (fn: () => Promise<void>) => void) {
  const receiver = await startReceiver()
  const sim = await startSimulator({ seed: 42, webhookRetryDelaysMs: [20, 40] })
  cleanup(async () => {
    await sim.close()
    await receiver.close()
  })
  return { sim, receiver }
}

export const CUSTOMER = '15551234567'

export function cloudNumber(receiver: Receiver, overrides: Partial<NumberConfig> = {}): NumberConfig {
  return {
    mode: 'cloud',
    phoneNumberId: '1001',
    wabaId: '2001',
    displayPhone: '15550001001',
    accessToken: 'token-1001',
    appSecret: 'app-secret',
    webhookUrl: `${receiver.url}/webhooks/whatsapp/1`,
    statusBehaviour: { delayMs: 5 },
    ...overrides,
  }
}

/** POST a Cloud API message; answers status and parsed body. */
export async function graphSend(sim: Simulator, body: Record<string, unknown>, options: { phoneNumberId?: string; token?: string } = {}) {
  const response = await fetch(`${sim.url}/v21.0/${options.phoneNumberId ?? '1001'}/messages`, {
    method: 'POST',
    headers: { 'authorization': `Bearer ${options.token ?? 'token-1001'}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: CUSTOMER, ...body }),
  })
  return { status: response.status, body: (await response.json()) as any }
}

export const hmac = (secret: string, raw: Buffer) => createHmac('sha256', secret).update(raw).digest('hex')

/** Polls until `check` answers something truthy. */
export async function eventually<T>(check: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value) return value
    if (Date.now() > deadline) throw new Error('Timed out waiting for a condition')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Every Meta status in the deliveries, flattened over entry × changes × statuses. */
export function metaStatuses(deliveries: Delivery[]) {
  return deliveries.flatMap((delivery) =>
    (delivery.body.entry ?? []).flatMap((entry: any) => entry.changes.flatMap((change: any) => change.value.statuses ?? []))
  )
}

export function metaMessages(deliveries: Delivery[]) {
  return deliveries.flatMap((delivery) =>
    (delivery.body.entry ?? []).flatMap((entry: any) => entry.changes.flatMap((change: any) => change.value.messages ?? []))
  )
}
