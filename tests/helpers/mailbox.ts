import { readdir, readFile } from 'node:fs/promises'
import { MAILBOX_DIR } from '#core/mailbox_transport'

export interface StoredMail {
  to: { address: string; name: string }[]
  from: { address: string; name: string }
  subject: string
  html: string
  text: string
}

/** The newest message the mailbox transport stored for `address`, or undefined. */
export async function latestMailTo(address: string): Promise<StoredMail | undefined> {
  const files = (await readdir(MAILBOX_DIR()).catch(() => [] as string[])).sort().reverse()
  for (const file of files) {
    const mail = JSON.parse(await readFile(`${MAILBOX_DIR()}/${file}`, 'utf8')) as StoredMail
    if (mail.to.some((to) => to.address === address)) return mail
  }
  return undefined
}

/** The action link of a mail (the first absolute URL in its text part). */
export function linkIn(mail: StoredMail) {
  const match = mail.text.match(/https?:\/\/\S+/)
  if (!match) throw new Error(`No link in mail "${mail.subject}"`)
  return new URL(match[0])
}
