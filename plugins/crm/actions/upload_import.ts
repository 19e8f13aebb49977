import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import drive from '@adonisjs/drive/services/main'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import ContactImport from '#crm/models/contact_import'
import Field from '#crm/models/field'
import { readImportFile } from '#crm/services/import_file'
import { guessMapping } from '#crm/services/import_rows'

/**
 * Takes an uploaded file: reads it (an unreadable one throws ImportFileError before anything is
 * kept), keeps it on the drive and records a draft import with its columns and a guessed mapping.
 */
export async function uploadImport(workspaceId: number, userId: number, file: MultipartFile, country: string | null) {
  const bytes = await readFile(file.tmpPath!)
  const parsed = await readImportFile(bytes)
  let total = 0
  for await (const _ of parsed.rows()) total++
  const path = `workspaces/${workspaceId}/crm/imports/${randomUUID()}.${parsed.format}`
  await drive.use().put(path, bytes)
  const fields = await Field.ofWorkspace(workspaceId)
  return ContactImport.create({
    workspaceId,
    userId,
    status: 'draft',
    filename: file.clientName.slice(0, 255),
    path,
    format: parsed.format,
    encoding: parsed.encoding,
    delimiter: parsed.delimiter,
    headers: parsed.headers,
    options: { mapping: guessMapping(parsed.headers, fields), country, policy: 'update', tagIds: [] },
    total,
  })
}
