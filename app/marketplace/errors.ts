import type { ConsentLine } from '#marketplace/consent'

/** An install, upgrade or publish the marketplace refuses, with the HTTP status the API answers. */
export class MarketplaceRefused extends Error {
  constructor(
    readonly status: 404 | 409 | 422 | 403,
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'MarketplaceRefused'
  }
}

/** An upgrade that asks for more than the admin consented to: shown as a diff, installed only with consent. */
export class ConsentRequired extends MarketplaceRefused {
  constructor(readonly added: ConsentLine[], readonly removed: ConsentLine[]) {
    super(409, 'consent_required', 'This version asks for more than the installed one: consent is needed again')
  }
}
