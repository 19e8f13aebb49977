import { parse } from 'csv-parse'
import { parse as parseSync } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import ExcelJS from 'exceljs'

/**
 * Reading an uploaded contacts file, CSV or .xlsx, whatever produced it: the encoding (BOMs,
 * UTF-8, UTF-16 with a BOM, Windows-1251 — what Russian Excel saves), the separator (comma,
 * semicolon, tab), quoted cells across lines. What cannot be read is refused with a reason
 * (`ImportFileError`, its code a key of crm.import.errors).
 */
export class ImportFileError extends Error {
  constructor(
    public code: 'empty' | 'binary' | 'no_header' | 'columns' | 'unreadable' | 'too_many_columns',
    public params: Record<string, string | number> = {}
  ) {
    super(`The file cannot be imported: ${code} ${JSON.stringify(params)}`)
  }
}

export interface ParsedFile {
  format: 'csv' | 'xlsx'
  encoding: string | null
  delimiter: string | null
  headers: string[]
  /** The rows after the header, as strings, in order. */
  rows(): AsyncIterable<string[]>
}

const XLSX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04])
const MAX_COLUMNS = 200

/** The text of a CSV file and the encoding it was in. */
function decodeText(bytes: Buffer): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8-bom' }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: iconv.decode(bytes.subarray(2), 'utf-16le'), encoding: 'utf-16le' }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: iconv.decode(bytes.subarray(2), 'utf-16be'), encoding: 'utf-16be' }
  // NUL bytes do not occur in text files (without a UTF-16 BOM, above): an image, an archive, a .xls.
  if (bytes.subarray(0, 8192).includes(0)) throw new ImportFileError('binary')
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' }
  } catch {
    // Not valid UTF-8: a single-byte code page. For this market that is Windows-1251 (Excel's
    // "CSV" on a Russian Windows); its Latin half is ASCII, so Western files still read right.
    return { text: iconv.decode(bytes, 'win1251'), encoding: 'windows-1251' }
  }
}

/** Control characters other than tab and line ends: more than a few means this is not text. */
function looksBinary(text: string) {
  const sample = text.slice(0, 8192)
  const controls = sample.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0
  return controls > Math.max(4, sample.length / 100)
}

/**
 * The separator: of comma, semicolon and tab, the one that splits the first lines into the same
 * number (> 1) of columns; a one-column file has none to find and is read with commas.
 */
function detectDelimiter(text: string) {
  const head = text.slice(0, 64 * 1024)
  let best = { delimiter: ',', columns: 1 }
  for (const delimiter of [',', ';', '\t']) {
    try {
      const records = parseSync(head, { delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, to: 20 }) as string[][]
      const complete = records.length > 1 && head.length === text.length ? records : records.slice(0, -1)
      const widths = new Set((complete.length ? complete : records).map((record) => record.length))
      const columns = records[0]?.length ?? 1
      if (widths.size === 1 && columns > best.columns) best = { delimiter, columns }
    } catch {
      // This separator does not read as CSV (a quote in the wrong place): not this one.
    }
  }
  return best.delimiter
}

function checkHeaders(headers: string[]) {
  if (!headers.length || headers.every((header) => !header.trim())) throw new ImportFileError('no_header')
  if (headers.length > MAX_COLUMNS) throw new ImportFileError('too_many_columns', { max: MAX_COLUMNS })
  // A first row of phone numbers or amounts is data: the file has no column names.
  const numeric = headers.filter((header) => /^[\s+()\-\d.,]+$/.test(header) && /\d/.test(header))
  if (numeric.length && numeric.length >= headers.filter((header) => header.trim()).length / 2) throw new ImportFileError('no_header')
  return headers.map((header) => header.trim())
}

function csvFile(bytes: Buffer): ParsedFile {
  const { text, encoding } = decodeText(bytes)
  if (!text.trim()) throw new ImportFileError('empty')
  if (looksBinary(text)) throw new ImportFileError('binary')
  const delimiter = detectDelimiter(text)
  const options = { delimiter, bom: true, skip_empty_lines: true, relax_quotes: true, trim: true }
  let headers: string[]
  try {
    headers = (parseSync(text, { ...options, to: 1, relax_column_count: true }) as string[][])[0] ?? []
  } catch {
    throw new ImportFileError('unreadable')
  }
  headers = checkHeaders(headers)
  return {
    format: 'csv',
    encoding,
    delimiter,
    headers,
    async *rows() {
      const parser = parse(text, { ...options, from_line: 2, relax_column_count: true })
      // Rows as a spreadsheet numbers them (the header is 1), whatever newlines their quoted cells hold.
      let row = 1
      try {
        for await (const record of parser as AsyncIterable<string[]>) {
          row++
          if (record.length !== headers.length) throw new ImportFileError('columns', { line: row, found: record.length, expected: headers.length })
          yield record
        }
      } catch (error) {
        if (error instanceof ImportFileError) throw error
        throw new ImportFileError('unreadable', { line: row + 1 })
      }
    },
  }
}

/** A cell as text: numbers as written, dates as YYYY-MM-DD, formulas by their result, links by their text. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value !== 'object') return String(value).trim()
  if ('richText' in value) return value.richText.map((part) => part.text).join('').trim()
  if ('text' in value) return cellText(value.text as ExcelJS.CellValue)
  if ('result' in value) return cellText(value.result as ExcelJS.CellValue)
  return ''
}

async function xlsxFile(bytes: Buffer): Promise<ParsedFile> {
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  } catch {
    throw new ImportFileError('unreadable')
  }
  const sheet = workbook.worksheets[0]
  if (!sheet || sheet.actualRowCount === 0) throw new ImportFileError('empty')
  const width = sheet.actualColumnCount
  const rowValues = (row: ExcelJS.Row) => Array.from({ length: width }, (_, i) => cellText(row.getCell(i + 1).value))
  const records: string[][] = []
  sheet.eachRow((row) => {
    const values = rowValues(row)
    if (values.some((value) => value)) records.push(values)
  })
  const headers = checkHeaders(records.shift() ?? [])
  return {
    format: 'xlsx',
    encoding: null,
    delimiter: null,
    headers,
    async *rows() {
      yield* records
    },
  }
}

/** Reads an uploaded file: .xlsx by its signature (whatever its name), anything else as CSV text. */
export async function readImportFile(bytes: Buffer): Promise<ParsedFile> {
  if (!bytes.length) throw new ImportFileError('empty')
  if (bytes.subarray(0, 4).equals(XLSX_MAGIC)) return xlsxFile(bytes)
  return csvFile(bytes)
}
