import app from '@adonisjs/core/services/app'
import type { Kernel } from '@adonisjs/core/ace'
import type { Group } from '@japa/runner/core'

/** Runs an ace command in-process; returns it with what it printed (logger, tables and console.log). */
export async function runAce(ace: Kernel, name: string, argv: string[]) {
  const printed: string[] = []
  const original = console.log
  console.log = (...values: unknown[]) => {
    printed.push(values.map(String).join(' '))
  }
  try {
    const command = await ace.exec(name, argv)
    const logs = command.logger.getLogs().map((log) => log.message)
    command.logger.flushLogs()
    return { command, stdout: printed, logs, output: [...logs, ...printed].join('\n') }
  } finally {
    console.log = original
  }
}

/** The ace kernel in raw mode (output kept in memory) for the group's tests. */
export function setUpAce(group: Group) {
  const holder = {} as { ace: Kernel }
  group.setup(async () => {
    holder.ace = await app.container.make('ace')
    holder.ace.ui.switchMode('raw')
    return () => holder.ace.ui.switchMode('normal')
  })
  return holder
}
