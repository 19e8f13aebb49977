/**
 * A package's README.md as HTML that cannot carry markup of its own: every character of the
 * source is escaped first, then a small subset of Markdown is turned into tags (headings,
 * paragraphs, lists, code, emphasis, links). Links keep only http(s) URLs and open with
 * rel="noopener noreferrer nofollow"; raw HTML in the README shows as text.
 */
const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

function inline(escaped: string) {
  return escaped
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*]+)\*/g, '$1<em>$2</em>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" rel="noopener noreferrer nofollow" target="_blank">$1</a>')
}

export function renderReadme(markdown: string): string {
  const html: string[] = []
  let list: string[] | null = null
  let paragraph: string[] = []
  let code: string[] | null = null
  const flush = () => {
    if (paragraph.length) html.push(`<p>${inline(paragraph.join(' '))}</p>`)
    paragraph = []
    if (list) html.push(`<ul>${list.map((item) => `<li>${inline(item)}</li>`).join('')}</ul>`)
    list = null
  }
  for (const raw of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (code) {
      if (raw.startsWith('```')) {
        html.push(`<pre><code>${code.join('\n')}</code></pre>`)
        code = null
      } else code.push(escapeHtml(raw))
      continue
    }
    const line = escapeHtml(raw)
    const heading = /^(#{1,4})\s+(.*)$/.exec(line)
    const item = /^\s*[-*]\s+(.*)$/.exec(line)
    if (raw.startsWith('```')) {
      flush()
      code = []
    } else if (heading) {
      flush()
      // Headings start at h3: the page's own h1/h2 stay the page's.
      const level = Math.min(heading[1].length + 2, 6)
      html.push(`<h${level}>${inline(heading[2])}</h${level}>`)
    } else if (item) {
      if (paragraph.length) flush()
      ;(list ??= []).push(item[1])
    } else if (line.trim() === '') flush()
    else {
      if (list) flush()
      paragraph.push(line.trim())
    }
  }
  if (code) html.push(`<pre><code>${(code as string[]).join('\n')}</code></pre>`)
  flush()
  return html.join('\n')
}
