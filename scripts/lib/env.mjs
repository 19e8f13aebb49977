/*
 * .env handling shared by scripts/quickstart.mjs and scripts/test.mjs.
 * Plain Node, no dependencies: these run before `npm ci`.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The app root (the folder holding package.json). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** A fresh APP_KEY: 32 random bytes, base64url (43 characters). */
export function generateAppKey() {
  return randomBytes(32).toString('base64url')
}

/**
 * Parses dotenv text the way AdonisJS does for what we need here: KEY=VALUE lines,
 * `#` comments, optional `export `, single or double quotes.
 */
export function parseDotenv(text) {
  const values = {}
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim()
    if (!line || line.startsWith('#')) continue
    const match = line.match(/^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/)
    if (!match) continue
    let value = match[2]
    const quote = value[0]
    if ((quote === '"' || quote === "'") && value.lastIndexOf(quote) > 0) {
      value = value.slice(1, value.lastIndexOf(quote))
      if (quote === '"') value = value.replace(/\\n/g, '\n')
    } else {
      value = value.replace(/\s+#.*$/, '').trim()
    }
    values[match[1]] = value
  }
  return values
}

/** Sets KEY=value in dotenv text: replaces the (first) KEY= line, or appends one. */
export function setDotenvValue(text, key, value) {
  const pattern = new RegExp(`^(\\s*(?:export\\s+)?${key}\\s*=).*$`, 'm')
  if (pattern.test(text)) return text.replace(pattern, `${key}=${value}`)
  return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${key}=${value}\n`
}

/**
 * Makes sure `.env` exists (a copy of .env.example) and holds an APP_KEY.
 * Returns what was done so callers can tell the user.
 */
export function ensureEnvFile(root = ROOT) {
  const envPath = join(root, '.env')
  const examplePath = join(root, '.env.example')
  let created = false
  let keyGenerated = false

  let text
  if (existsSync(envPath)) {
    text = readFileSync(envPath, 'utf8')
  } else {
    if (!existsSync(examplePath)) throw new Error(`Neither .env nor .env.example exists in ${root}`)
    text = readFileSync(examplePath, 'utf8')
    created = true
  }

  const current = parseDotenv(text).APP_KEY
  if (!current || current.length < 32) {
    text = setDotenvValue(text, 'APP_KEY', generateAppKey())
    keyGenerated = true
  }
  if (created || keyGenerated) writeFileSync(envPath, text, { mode: 0o600 })
  return { path: envPath, created, keyGenerated }
}

/**
 * The configuration the app will see: .env.example as defaults, then .env, then real
 * environment variables (non-empty ones win, as in @adonisjs/env), then `overrides`.
 */
export function loadConfig(root = ROOT, overrides = {}) {
  const read = (file) => (existsSync(join(root, file)) ? parseDotenv(readFileSync(join(root, file), 'utf8')) : {})
  const config = { ...read('.env.example'), ...read('.env') }
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && value !== '') config[key] = value
  }
  return { ...config, ...overrides }
}
