/*
 * PostgreSQL and Redis checks shared by the scripts. Each failure becomes a StepError
 * with one sentence saying which service, where we looked and how to start it.
 */
import net from 'node:net'
import { StepError } from './proc.mjs'

const TIMEOUT_MS = 3000

function where(config, hostVar, portVar) {
  return `${hostVar}/${portVar} = ${config[hostVar]}:${config[portVar]}`
}

/** Opens a TCP connection; resolves null when it connects, else the error code. */
export function tcpProbe(host, port, timeoutMs = TIMEOUT_MS) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) })
    const done = (result) => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(timeoutMs, () => done('ETIMEDOUT'))
    socket.once('connect', () => done(null))
    socket.once('error', (error) => done(error.code ?? error.message))
  })
}

function resp(...parts) {
  return `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`
}

/**
 * Sends PING (after AUTH when a password is set) over raw TCP.
 * Resolves { ok: true } or { ok: false, reason, kind: 'down' | 'auth' | 'protocol' }.
 */
export function redisPing({ host, port, password }, timeoutMs = TIMEOUT_MS) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) })
    let buffer = ''
    let settled = false
    const done = (result) => {
      if (settled) return
      settled = true
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(timeoutMs, () => done({ ok: false, kind: 'down', reason: 'ETIMEDOUT' }))
    socket.once('error', (error) => done({ ok: false, kind: 'down', reason: error.code ?? error.message }))
    socket.once('connect', () => {
      socket.write((password ? resp('AUTH', password) : '') + resp('PING'))
    })
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8')
      const lines = buffer.split('\r\n').filter(Boolean)
      for (const line of lines) {
        if (line.startsWith('-')) {
          const reason = line.slice(1)
          const auth = /NOAUTH|WRONGPASS|invalid password|AUTH/i.test(reason)
          return done({ ok: false, kind: auth ? 'auth' : 'protocol', reason })
        }
        if (line === '+PONG') return done({ ok: true })
      }
    })
    socket.once('end', () => done({ ok: false, kind: 'protocol', reason: 'connection closed without PONG' }))
  })
}

/** Throws a StepError unless Redis answers PING at REDIS_HOST/REDIS_PORT. */
export async function checkRedis(config) {
  const result = await redisPing({
    host: config.REDIS_HOST,
    port: config.REDIS_PORT,
    password: config.REDIS_PASSWORD,
  })
  if (result.ok) return
  const at = where(config, 'REDIS_HOST', 'REDIS_PORT')
  if (result.kind === 'auth') {
    throw new StepError(
      `Redis at ${at} rejected the login (${result.reason}): check REDIS_PASSWORD in .env.`
    )
  }
  throw new StepError(
    `Redis is not answering at ${at} (${result.reason}): start it with \`docker compose up -d redis\`, or point REDIS_HOST/REDIS_PORT in .env at a running Redis.`
  )
}

function postgresDown(config, reason) {
  return new StepError(
    `PostgreSQL is not answering at ${where(config, 'DB_HOST', 'DB_PORT')} (${reason}): start it with \`docker compose up -d postgres\`, or point DB_HOST/DB_PORT in .env at a running PostgreSQL.`
  )
}

/** A connected pg Client on `database`; the caller ends it. `pg` is imported here, after the install. */
async function connect(config, database) {
  const { default: pg } = await import('pg')
  const client = new pg.Client({
    host: config.DB_HOST,
    port: Number(config.DB_PORT),
    user: config.DB_USER,
    password: config.DB_PASSWORD || undefined,
    database,
    connectionTimeoutMillis: TIMEOUT_MS,
  })
  client.on('error', () => {})
  await client.connect()
  return client
}

/** Only a TCP connection: usable before dependencies (and so `pg`) are installed. */
export async function probePostgresPort(config) {
  const reason = await tcpProbe(config.DB_HOST, config.DB_PORT)
  if (reason) throw postgresDown(config, reason)
}

function describePgError(config, error) {
  const at = where(config, 'DB_HOST', 'DB_PORT')
  if (error.code === '28P01' || error.code === '28000') {
    return new StepError(
      `PostgreSQL at ${at} refused the login of DB_USER=${config.DB_USER} (${error.message}): check DB_USER/DB_PASSWORD in .env.`
    )
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(error.code)) {
    return postgresDown(config, error.code)
  }
  if (/timeout/i.test(error.message)) return postgresDown(config, 'timed out')
  return new StepError(`PostgreSQL at ${at} failed: ${error.message}.`)
}

/**
 * Connects to PostgreSQL, runs `select 1`, and creates `database` when it is missing.
 * Returns true when the database was created.
 */
export async function ensurePostgresDatabase(config, database) {
  await probePostgresPort(config)
  let client
  try {
    // The maintenance database; template1 exists on every cluster.
    try {
      client = await connect(config, 'postgres')
    } catch (error) {
      if (error.code !== '3D000') throw error
      client = await connect(config, 'template1')
    }
    await client.query('select 1')
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database])
    if (rowCount > 0) return false
    try {
      await client.query(`create database "${database.replace(/"/g, '""')}"`)
    } catch (error) {
      if (error.code === '42P04') return false // created meanwhile by someone else
      throw error
    }
    return true
  } catch (error) {
    if (error instanceof StepError) throw error
    throw describePgError(config, error)
  } finally {
    await client?.end().catch(() => {})
  }
}

/** Resolves null when HOST:PORT is free to listen on, else the error code. */
export function portInUse(host, port) {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', (error) => resolve(error.code ?? error.message))
    server.listen({ host, port: Number(port), exclusive: true }, () => server.close(() => resolve(null)))
  })
}
