import type { HttpContext } from '@adonisjs/core/http'
import { hooks } from '#hooks/bus'

/** Hooks, their taps in run order, call counts, p50/p99 and errors (this process, since it started). */
export default class HookDiagnosticsController {
  async index({ view }: HttpContext) {
    return view.render('pages/workspace/hook_diagnostics', { rows: hooks.diagnostics() })
  }
}
