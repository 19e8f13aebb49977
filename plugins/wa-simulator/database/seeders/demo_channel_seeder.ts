import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { BaseSeeder } from '@adonisjs/lucid/seeders'
import app from '@adonisjs/core/services/app'
import User from '#auth/models/user'
import Membership from '#tenancy/models/membership'
import Workspace from '#tenancy/models/workspace'
import { pluginEnablement } from '#plugins/enablement'
import { pluginRegistry } from '#plugins/registry'
import Channel from '#messaging/models/channel'
import { storeChannel } from '#messaging/actions/save_channel'
import { syncTemplates } from '#messaging/actions/sync_templates'
import { webhookUrlOf } from '#messaging/presenters'
import type { NumberConfig } from '#simulator/simulator/types'

export const DEMO_PHONE_NUMBER_ID = 'demo-simulator'
const DEMO_PLUGINS = ['inbox', 'crm', 'bots']
/** Where the quickstart's simulator reads its numbers from (`wa:simulator --numbers`). */
export const DEMO_NUMBERS_FILE = 'tmp/simulator-numbers.json'

/**
 * "Try it without Meta": the demo owner's first workspace gets WhatsApp (and the inbox, CRM and bots) on, and a Cloud API
 * channel whose API is the local simulator (WA_SIMULATOR_URL). The simulator's side of the same
 * number (its token, app secret, and the webhook URL back here) is written to
 * tmp/simulator-numbers.json and registered with the simulator when it runs. Idempotent: the
 * channel is made once; the number is written and registered again.
 */
export default class DemoChannelSeeder extends BaseSeeder {
  async run() {
    const simulatorUrl = process.env.WA_SIMULATOR_URL ?? 'http://127.0.0.1:4010'
    const user = await User.findBy('email', 'demo@switchboard.local')
    const membership = user ? await Membership.query().where('user_id', user.id).orderBy('id').first() : null
    if (!user || !membership) return
    const workspace = await Workspace.findOrFail(membership.workspaceId)
    await pluginEnablement.enable(workspace, 'whatsapp-cloud', user.id)
    // What a newcomer tries on the demo number, when this install has them: the inbox answers its
    // conversations, the CRM keeps its contacts, bots answer by themselves.
    for (const plugin of DEMO_PLUGINS) {
      if (pluginRegistry.has(plugin)) await pluginEnablement.enable(workspace, plugin, user.id)
    }

    let channel = await Channel.query().where('workspace_id', workspace.id).where('api_base_url', simulatorUrl).first()
    if (!channel) {
      channel = await storeChannel({ workspace, userId: user.id }, {
        provider: 'whatsapp-cloud',
        name: 'Demo WhatsApp (simulator)',
        phoneNumber: '+15550100001',
        apiBaseUrl: simulatorUrl,
        phoneNumberId: DEMO_PHONE_NUMBER_ID,
        wabaId: 'demo-waba',
        accessToken: randomBytes(24).toString('base64url'),
        appSecret: randomBytes(24).toString('base64url'),
      })
    }

    const number: NumberConfig = {
      mode: 'cloud',
      phoneNumberId: DEMO_PHONE_NUMBER_ID,
      wabaId: 'demo-waba',
      displayPhone: channel.displayPhone.replace('+', ''),
      accessToken: channel.credentials.accessToken,
      appSecret: channel.credentials.appSecret,
      webhookUrl: webhookUrlOf(channel),
      throughputPerSecond: channel.throughputPerSecond,
    }
    const file = app.makePath(DEMO_NUMBERS_FILE)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, JSON.stringify([number], null, 2))
    // A running simulator learns the number now; one started later reads the file.
    const registered = await fetch(`${simulatorUrl}/_sim/numbers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(number) })
      .then((response) => response.ok)
      .catch(() => false)
    if (registered) await syncTemplates(channel)
  }
}
