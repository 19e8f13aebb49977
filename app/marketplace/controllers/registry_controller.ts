import { readFile } from 'node:fs/promises'
import type { HttpContext } from '@adonisjs/core/http'
import { localIndex } from '#marketplace/catalogue'
import MarketplacePackageVersion, { LOCAL_REGISTRY } from '#marketplace/models/package_version'
import MarketplacePackage from '#marketplace/models/package'
import MarketplacePublisher from '#marketplace/models/publisher'
import { publishPackage } from '#marketplace/actions/publish_package'
import { tokenHash } from '#marketplace/actions/create_publisher'
import { yankVersion } from '#marketplace/actions/yank_version'
import { deprecatePackage } from '#marketplace/actions/deprecate_package'
import { deprecateValidator } from '#marketplace/validators/marketplace'
import { refusalResponse } from '#marketplace/controllers/helpers'
import { publisherAuthPerIp, publisherPerToken } from '#start/limiter'

const MAX_UPLOAD_BYTES = 4 * 1_048_576

/** The publisher API's rate-limit key of a publisher (one token each). */
export const publisherRateKey = (publisherId: number) => `mkp_publisher_${publisherId}`

/**
 * This instance as a registry: its index and archives (public, so other instances can read it),
 * and the publisher API (Authorization: Bearer <publisher token>): upload a signed .tgz (raw body
 * or multipart field `package`), list one's packages, yank a version.
 */
export default class RegistryController {
  async index({ response }: HttpContext) {
    response.header('cache-control', 'public, max-age=60')
    return localIndex()
  }

  async download({ params, response }: HttpContext) {
    const version = String(params.version).replace(/\.tgz$/, '')
    const blocked = await MarketplacePackage.query().where('package_id', String(params.package)).whereNotNull('blocked_at').first()
    const row = blocked ? null : await MarketplacePackageVersion.query().where('package_id', String(params.package)).where('version', version).where('registry', LOCAL_REGISTRY).first()
    if (!row) return response.notFound({ errors: [{ message: 'No such package version' }] })
    response.header('content-type', 'application/gzip')
    response.header('x-content-sha256', row.sha256)
    return response.send(row.archive)
  }

  async publish(ctx: HttpContext) {
    const publisher = await this.#publisher(ctx)
    const archive = await this.#upload(ctx)
    if (!archive) return ctx.response.unprocessableEntity({ errors: [{ field: 'package', message: 'Send the .tgz as the body (application/gzip) or as the multipart field "package", at most 4 MB' }] })
    try {
      const version = await publishPackage(publisher, archive)
      return ctx.response.created({ data: { id: version.packageId, version: version.version, sha256: version.sha256, keyId: version.keyId } })
    } catch (error) {
      return refusalResponse(ctx, error)
    }
  }

  async list(ctx: HttpContext) {
    const publisher = await this.#publisher(ctx)
    const owned = new Set((await MarketplacePackage.query().where('publisher_id', publisher.id)).map((pkg) => pkg.packageId))
    return { data: (await localIndex()).packages.filter((pkg) => owned.has(pkg.id)).map(({ versions, ...pkg }) => ({ ...pkg, versions: versions.map(({ version, yanked, sha256 }) => ({ version, yanked, sha256 })) })) }
  }

  async yank(ctx: HttpContext) {
    const publisher = await this.#publisher(ctx)
    const yanked = await yankVersion(publisher, String(ctx.params.package), String(ctx.params.version))
    if (!yanked) return ctx.response.notFound({ errors: [{ message: 'No such version of a package of yours' }] })
    return ctx.response.noContent()
  }

  /** `{ "message": "Use com.acme.other instead" }`, or `{ "message": null }` to lift it. */
  async deprecate(ctx: HttpContext) {
    const publisher = await this.#publisher(ctx)
    const { message } = await ctx.request.validateUsing(deprecateValidator)
    if (!(await deprecatePackage(publisher, String(ctx.params.package), message ?? null))) return ctx.response.notFound({ errors: [{ message: 'No such package of yours' }] })
    return ctx.response.noContent()
  }

  async #publisher(ctx: HttpContext) {
    const token = /^Bearer\s+(\S+)$/i.exec(ctx.request.header('authorization') ?? '')?.[1]
    const publisher = token ? await MarketplacePublisher.findBy('token_hash', tokenHash(token)) : null
    if (!publisher) {
      await publisherAuthPerIp.consume(`mkp_${ctx.request.ip()}`)
      ctx.response.abort({ errors: [{ message: 'A publisher token is required (Authorization: Bearer …)' }] }, 401)
    }
    // Every request of a publisher counts (uploads are verified and stored: not free), whatever it asks.
    await publisherPerToken.consume(publisherRateKey(publisher!.id))
    return publisher!
  }

  /** The uploaded archive, capped in size; null when there is none or it is too big. */
  async #upload(ctx: HttpContext): Promise<Buffer | null> {
    const file = ctx.request.file('package', { size: MAX_UPLOAD_BYTES })
    if (file) return file.isValid && file.tmpPath ? readFile(file.tmpPath) : null
    if (!/^application\/(gzip|x-gzip|octet-stream)/.test(ctx.request.header('content-type') ?? '')) return null
    // The body parser leaves these types alone: read the stream, stopping past the cap.
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of ctx.request.request) {
      size += chunk.length
      if (size > MAX_UPLOAD_BYTES) return null
      chunks.push(chunk)
    }
    return Buffer.concat(chunks)
  }
}
