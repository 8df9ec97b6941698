// Long reads: a post with highlighted code in several languages and
// wide lines, and a long post with a table of contents.  Built into the
// hostile site; the checks here look at what only these pages have:
// code boxes that scroll and show it, the contents' links, the anchor
// link on each heading, and what print keeps of them.

export const CODE_SLUG = 'code-in-languages';
export const TOC_SLUG = 'a-long-read';

const wide = 'const line = "' + 'a long string literal that will not fit, '.repeat(4) + '";';

export const CODE_POST = `---
title: "Code in several languages"
summary: "Highlighted at build time."
toc: true
---

## Go and Rust

\`\`\`go
// Serve answers on addr until ctx ends.
func Serve(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr) // "<&>" stays text
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	return http.Serve(ln, nil)
}
\`\`\`

\`\`\`rust
fn main() { let n: u32 = 42; println!("{} < {}", n, n + 1); }
\`\`\`

## Data

\`\`\`sql
SELECT id, email FROM subscribers WHERE confirmed = 1 AND id > 100;
\`\`\`

\`\`\`yaml
title: "Golden & Co"   # the site's name
home: { recent: 3 }
\`\`\`

\`\`\`ts
${wide}
\`\`\`

\`\`\`diff
-toc_headings: 6
+toc_headings: 4
\`\`\`

| ${Array.from({ length: 10 }, (_, i) => `Column ${i + 1}`).join(' | ')} |
|${' --- |'.repeat(10)}
| ${Array.from({ length: 10 }, (_, i) => `value-${i + 1}-wide`).join(' | ')} |
`;

const para = 'A paragraph of the long read, long enough to wrap on a phone. ';
export const TOC_POST = `---
title: "A long read"
summary: "Its headings are listed at the top."
toc: true
---

${para.repeat(3)}

## Why contents help

${para.repeat(4)}

### Coming back later

${para.repeat(2)}

### Sharing one part

${para.repeat(2)}

## What the list holds

${para.repeat(3)}

## Where it is left out

${para.repeat(3)}
`;

// At a narrow width: every <pre> and table that is wider than its box
// scrolls in it and paints its edge shades; the page does not scroll.
export function scrollsAndShows() {
  const out = [];
  const boxes = [...document.querySelectorAll('.content pre, .content table')];
  if (!boxes.length) return ['no code block or table'];
  let wideOnes = 0;
  for (const b of boxes) {
    const cs = getComputedStyle(b);
    if (b.scrollWidth <= b.clientWidth) continue;
    wideOnes++;
    if (cs.overflowX !== 'auto' && cs.overflowX !== 'scroll')
      out.push(`${b.tagName} is wider than its box and does not scroll (${cs.overflowX})`);
    if (!/radial-gradient/.test(cs.backgroundImage) || !/local/.test(cs.backgroundAttachment))
      out.push(`${b.tagName} scrolls but shows no shade (${cs.backgroundImage.slice(0, 60)})`);
    if (b.tabIndex < 0) out.push(`${b.tagName} scrolls but takes no focus`);
  }
  if (!wideOnes) out.push('no box wider than the screen to check');
  return out;
}

// The contents list links to headings that exist, and each h2/h3 of the
// post ends in a named anchor link to itself.
export function contentsAndAnchors() {
  const out = [];
  const toc = document.querySelector('nav.toc');
  if (!toc) return ['no nav.toc'];
  const links = [...toc.querySelectorAll('a')];
  if (links.length < 2) out.push(`only ${links.length} links in the contents`);
  for (const a of links) {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    const h = document.getElementById(id);
    if (!h || !/^H[23]$/.test(h.tagName)) out.push(`contents link ${a.getAttribute('href')} leads to no h2/h3`);
  }
  for (const h of document.querySelectorAll('.content :is(h2, h3)')) {
    const a = h.querySelector('a.anchor');
    if (!a) { out.push(`heading #${h.id} has no anchor link`); continue; }
    if (a.getAttribute('href') !== '#' + h.id) out.push(`anchor of #${h.id} goes to ${a.getAttribute('href')}`);
    if (!(a.getAttribute('aria-label') || '').includes(h.textContent.replace('#', '').trim().slice(0, 10)))
      out.push(`anchor of #${h.id} is named "${a.getAttribute('aria-label')}"`);
    const r = a.getBoundingClientRect();
    if (r.width < 4 || getComputedStyle(a).visibility === 'hidden') out.push(`anchor of #${h.id} is not visible`);
  }
  return out;
}

// Printed: no contents, no anchors, code in the text's own colour.
export function printedPlain() {
  const out = [];
  const shown = el => el && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
  for (const a of document.querySelectorAll('a.anchor')) if (shown(a)) { out.push('an anchor link prints'); break; }
  const body = getComputedStyle(document.body).color;
  const k = document.querySelector('code .k');
  if (!k) out.push('no highlighted keyword');
  else if (getComputedStyle(k).color !== body) out.push(`keywords print in ${getComputedStyle(k).color}`);
  return out;
}
