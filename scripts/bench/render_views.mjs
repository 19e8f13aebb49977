/*
 * The CPU cost of rendering views, in one process, with no HTTP, load generator or second
 * web process around it: on a 2-core machine those make `npm run bench pages` too noisy to
 * tell a 5 % change in a template from the weather. Not a scenario of `npm run bench`; a tool.
 *
 *   npm run bench pages                     # once: builds build/ and signs up a bench workspace
 *   node scripts/bench/render_views.mjs [view ...]
 *   BENCH_PROFILE=1 node scripts/bench/render_views.mjs   # + a V8 profile in bench/profiles/
 *
 * It boots the compiled app (build/) against the bench database, takes the newest bench
 * workspace and its member, and renders each view (default: the dashboard) with the data
 * the middleware shares on a real request (brand, locale, user, tenant, slots), rotating
 * the views in rounds of ROUND renders. It prints the median and lowest CPU µs per render
 * of each view, setup included (`(setup only)` is the same work without the render).
 */
import 'reflect-metadata'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { Session } from 'node:inspector/promises'
import { ROOT, loadConfig } from '../lib/env.mjs'

const BUILD = join(ROOT, 'build')
if (!existsSync(join(BUILD, 'bin', 'server.js'))) throw new Error('No build/: run `npm run bench pages` (or `node ace build`) first.')
const ROUND = 300
const ROUNDS = Number(process.env.RENDER_ROUNDS || 15)
const views = process.argv.slice(2).length ? process.argv.slice(2) : ['pages/workspace/dashboard']

const env = loadConfig(ROOT, {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  DB_DATABASE: process.env.BENCH_DATABASE || 'switchboard_bench',
  REDIS_DB: process.env.BENCH_REDIS_DB || '2',
})
Object.assign(process.env, env)

// The build's own import map (#tenancy/*, ...), as the app resolves it.
const importsMap = JSON.parse(readFileSync(join(BUILD, 'package.json'), 'utf8')).imports
function fromBuild(specifier) {
  for (const [pattern, target] of Object.entries(importsMap)) {
    const prefix = pattern.replace('*', '')
    if (specifier.startsWith(prefix)) return import(pathToFileURL(join(BUILD, target.replace('*', specifier.slice(prefix.length)))).href)
  }
  throw new Error(`not in the build's import map: ${specifier}`)
}

// Packages resolve to the same files as the build's (build/node_modules is a link to ours).
const { Ignitor } = await import('@adonisjs/core')
const appRoot = pathToFileURL(BUILD + '/')
const app = new Ignitor(appRoot, {
  importer: (path) => import(path.startsWith('.') ? new URL(path, appRoot).href : path),
})
  .tap((application) => application.booting(() => fromBuild('#start/env')))
  .createApp('web')
await app.init()
await app.boot()
await app.start(async () => {})
;(await app.container.make('router')).commit()

const edge = (await import('edge.js')).default
const i18nManager = (await import('@adonisjs/i18n/services/main')).default
const db = (await import('@adonisjs/lucid/services/db')).default
const { default: User } = await fromBuild('#auth/models/user')
const { accessToWorkspace } = await fromBuild('#tenancy/access')
const { abilities } = await fromBuild('#access/roles')
const { pluginEnablement } = await fromBuild('#plugins/enablement')
const { renderSlot } = await fromBuild('#plugins/slots')
const { brandForHost } = await fromBuild('#tenancy/brand')

const member = await db
  .from('memberships')
  .join('workspaces', 'workspaces.id', 'memberships.workspace_id')
  .select('memberships.user_id', 'workspaces.slug')
  .orderBy('memberships.id', 'desc')
  .first()
if (!member) throw new Error('The bench database has no workspace yet: run `npm run bench pages` once.')
const user = await User.findOrFail(member.user_id)

/** What a request to /w/:slug shares (see the brand, locale, auth and workspace middleware), then the render. */
async function renderOnce(view) {
  const renderer = edge.createRenderer()
  const ctx = { view: renderer, logger: console, request: { matchesRoute: (name) => name === 'workspace.dashboard' } }
  renderer.share({ request: ctx.request, csrfField: () => edge.globals.html.safe(`<input type='hidden' name='_csrf' value='token'>`) })
  renderer.share({ brand: await brandForHost('127.0.0.1') })
  const i18n = i18nManager.locale('en')
  renderer.share({ i18n, t: i18n.t.bind(i18n) })
  renderer.share({ user })
  const access = await accessToWorkspace(user.id, { slug: member.slug })
  ctx.tenant = {
    ...access,
    can: (ability) => abilities.allows(access.role, ability, access.organizationRole),
    plugins: await pluginEnablement.enabledIn(access.workspace.id),
  }
  renderer.share({ tenant: ctx.tenant, workspace: access.workspace, can: ctx.tenant.can, slot: (name, props) => renderSlot(ctx, name, props) })
  return view ? renderer.render(view, { memberCount: access.memberCount }) : ''
}

const targets = [...views, null]
for (const view of targets) for (let i = 0; i < ROUND; i++) await renderOnce(view) // warm-up
const profiler = process.env.BENCH_PROFILE === '1' ? new Session() : null
if (profiler) {
  profiler.connect()
  await profiler.post('Profiler.enable')
  await profiler.post('Profiler.start')
}
const samples = new Map(targets.map((view) => [view, []]))
for (let round = 0; round < ROUNDS; round++) {
  for (const view of targets) {
    const start = process.cpuUsage()
    for (let i = 0; i < ROUND; i++) await renderOnce(view)
    const used = process.cpuUsage(start)
    samples.get(view).push((used.user + used.system) / ROUND)
  }
}
if (profiler) {
  const { profile } = await profiler.post('Profiler.stop')
  const folder = join(ROOT, 'bench', 'profiles')
  mkdirSync(folder, { recursive: true })
  const file = join(folder, `render-${Date.now()}.cpuprofile`)
  writeFileSync(file, JSON.stringify(profile))
  console.log(`Profile: ${file} (node scripts/bench/profile_top.mjs ${file} 40)`)
}

console.log(`CPU µs per render (${ROUNDS} rounds of ${ROUND}; workspace ${member.slug})`)
for (const [view, values] of samples) {
  values.sort((a, b) => a - b)
  const html = view ? (await renderOnce(view)).length : 0
  console.log(`${(view ?? '(setup only)').padEnd(36)} median ${values[values.length >> 1].toFixed(0).padStart(5)}  lowest ${values[0].toFixed(0).padStart(5)}  ${html} bytes`)
}
await app.terminate()
process.exit(0)
