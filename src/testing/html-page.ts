/**
 * The HTML layout of the simulator's pages, and escaping. Every value that reaches markup goes
 * through {@link escapeHtml} (session ids come from the query string and must not inject markup).
 */

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A complete page. `body` is markup (already escaped by the caller). */
export function page(title: string, body: string, script = ''): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; }
.error { color: #b00020; }
.note { color: #555; font-size: 0.9em; }
button { font-size: 1em; padding: 0.4em 1.2em; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
<p class="note">Matrix homeserver simulator (matrix-uia/testing)</p>
</main>
${script ? `<script>\n${script}\n</script>` : ''}
</body>
</html>
`;
}
