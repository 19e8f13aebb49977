import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, services } from '@adonisjs/drive'

/**
 * Where media (customers' photos, documents, voice notes) are kept: the local disk by default,
 * any S3-compatible store (AWS, MinIO, R2) with DRIVE_DISK=s3. Files are private: the app serves
 * them to workspace members only, never from a public folder.
 */
const driveConfig = defineConfig({
  default: env.get('DRIVE_DISK', 'fs'),
  services: {
    fs: services.fs({
      location: app.makePath(env.get('DRIVE_FS_ROOT', 'storage')),
      serveFiles: false,
      visibility: 'private',
    }),
    s3: services.s3({
      credentials: {
        accessKeyId: env.get('DRIVE_S3_KEY', ''),
        secretAccessKey: env.get('DRIVE_S3_SECRET', ''),
      },
      region: env.get('DRIVE_S3_REGION', 'us-east-1'),
      bucket: env.get('DRIVE_S3_BUCKET', ''),
      endpoint: env.get('DRIVE_S3_ENDPOINT'),
      forcePathStyle: !!env.get('DRIVE_S3_ENDPOINT'),
      visibility: 'private',
    }),
  },
})

export default driveConfig

declare module '@adonisjs/drive/types' {
  export interface DriveDisks extends InferDriveDisks<typeof driveConfig> {}
}
