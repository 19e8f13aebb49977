import { mkdir, writeFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import nodemailer from 'nodemailer'
import app from '@adonisjs/core/services/app'
import { MailResponse } from '@adonisjs/mail'
import type { MailTransportContract, NodeMailerMessage } from '@adonisjs/mail/types'

export const MAILBOX_DIR = () => app.tmpPath('mailbox')

/**
 * A transport that renders the message with nodemailer and stores it as one JSON file
 * per message in tmp/mailbox: the development and test stand-in for SMTP.
 */
export class MailboxTransport implements MailTransportContract {
  #renderer = nodemailer.createTransport({ jsonTransport: true })

  async send(message: NodeMailerMessage) {
    const rendered = await this.#renderer.sendMail(message)
    const id = `${Date.now()}-${randomUUID()}`
    await mkdir(MAILBOX_DIR(), { recursive: true })
    await writeFile(`${MAILBOX_DIR()}/${id}.json`, rendered.message as unknown as string)
    return new MailResponse(id, rendered.envelope, rendered)
  }
}

export function mailboxTransport() {
  return () => new MailboxTransport()
}
