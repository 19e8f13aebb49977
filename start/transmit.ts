/*
| Who may listen to which SSE channel. A user hears their own channel and the channels
| of workspaces they can open; anything else is refused.
*/
import transmit from '@adonisjs/transmit/services/main'
import type { HttpContext } from '@adonisjs/core/http'
import { accessToWorkspace } from '#tenancy/access'

async function signedInUser(ctx: HttpContext) {
  return (await ctx.auth.check()) ? ctx.auth.user! : null
}

transmit.authorize<{ id: string }>('users/:id', async (ctx, { id }) => {
  const user = await signedInUser(ctx)
  return !!user && user.id === Number(id)
})

transmit.authorize<{ id: string }>('workspaces/:id', async (ctx, { id }) => {
  const user = await signedInUser(ctx)
  return !!user && /^\d+$/.test(id) && !!(await accessToWorkspace(user.id, { id: Number(id) }))
})
