// The hostile post: everything that tries to push a page sideways or
// break its reading order, in one Markdown file.  Its images and their
// authored sizes are exported so the test can check they survive.

export const SLUG = 'hostile-input';

// A small test pattern, written by python3 into static/ (no image library:
// a PNG is zlib and CRCs).
export const PNG_W = 96;
export const PNG_H = 48;
export const PNG_PY = `
import struct, sys, zlib
w, h = ${PNG_W}, ${PNG_H}
rows = b''.join(b'\\0' + b''.join(
    bytes(((x * 255) // w, (y * 255) // h, 160)) for x in range(w))
    for y in range(h))
def chunk(t, d):
    return (struct.pack('>I', len(d)) + t + d +
            struct.pack('>I', zlib.crc32(t + d) & 0xffffffff))
sys.stdout.buffer.write(b'\\x89PNG\\r\\n\\x1a\\n' +
    chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) +
    chunk(b'IDAT', zlib.compress(rows, 9)) + chunk(b'IEND', b''))
`;

// Raw-HTML images with the sizes their author gave (src, width, height).
// They load from their own file, which the layout-shift check delays until
// after the first paint: sized right, they shift nothing when they come.
export const SIZED_FILE = 'sized.png';
export const SIZED = [
  { src: `../../${SIZED_FILE}`, width: '480', height: '240' },
  { src: `../../${SIZED_FILE}`, width: '2400', height: '1200' },
];

const longWord = 'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(3);
const longUrl = 'https://example.com/' + 'a-very-long-path-segment-without-breaks/'.repeat(6) +
  '?query=' + 'x'.repeat(80) + '&utm_nothing=1';
const longCode = Array.from({ length: 200 }, (_, i) => String(i % 10)).join('');
const cols = Array.from({ length: 12 }, (_, i) => i + 1);
const table = [
  '| ' + cols.map(c => `Column heading ${c}`).join(' | ') + ' |',
  '| ' + cols.map(c => (c % 3 === 0 ? '---:' : '---')).join(' | ') + ' |',
  ...[1, 2, 3].map(r => '| ' + cols.map(c =>
    c === 4 ? `unbroken_cell_value_${r}_${'z'.repeat(30)}` : `r${r}c${c} 12,345.67`).join(' | ') + ' |'),
].join('\n');

export const POST = `---
title: "Hostile input: ${longWord} and ${longUrl.slice(0, 60)}"
date: 2026-01-15
tags: [databases, multi-tenant]
summary: "A post built to break the layout: ${longWord}."
---

A paragraph with a very long word, ${longWord}, then a bare
long address ${longUrl} and a [link whose text is an address](${longUrl}),
then \`inline_code_that_is_far_too_long_to_fit_${'on_one_line_'.repeat(8)}end\`.
A footnote here[^first] and another one there.[^second]

## A heading with ${longWord}

> A quotation that goes on a bit, with an address inside it:
> ${longUrl}
>
> > And a nested quotation, with *emphasis* and **strong** text.

### Lists inside lists

1. First, ordered
   - nested, unordered, with ${longWord}
     - deeper still
       1. and deeper, ordered again
2. Second, ordered
   - [ ] not a task list, just brackets
3. Third

- An unordered item
- Another, with \`code\`

### A wide table

${table}

### A long line of code

\`\`\`text
${longCode}
\`\`\`

\`\`\`c
int main(void) { return printf("%s\\n", "${'wide '.repeat(40)}") < 0; }
\`\`\`

### Images

A Markdown image of a small PNG, no size given:

![A test pattern, fading from blue to pink](../../pattern.png)

The same image in raw HTML with the size its author gave, and once more
at a size much wider than any screen:

<img src="${SIZED[0].src}" width="${SIZED[0].width}" height="${SIZED[0].height}" alt="A test pattern at 480 by 240">

<img src="${SIZED[1].src}" width="${SIZED[1].width}" height="${SIZED[1].height}" alt="A test pattern at 2400 by 1200">

### Other scripts

Greek: Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλικο σκύλο· ξεσκεπάζω την ψυχοφθόρα βδελυγμία.

Russian: Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация южных губерний.

Japanese: いろはにほへとちりぬるをわかよたれそつねならむうゐのおくやまけふこえてあさきゆめみしゑひもせす。日本語の文章には空白がありませんが、きちんと折り返されるべきです。

Arabic inside English: the phrase <span lang="ar" dir="rtl">نص حكيم له سر قاطع وذو شأن عظيم</span> sits in a left-to-right sentence.

<p lang="ar" dir="rtl">صِف خَلقَ خَودِ كَمِثلِ الشَمسِ إِذ بَزَغَت يَحظى الضَجيعُ بِها نَجلاءَ مِعطارِ. هذه فقرة كاملة من اليمين إلى اليسار داخل صفحة من اليسار إلى اليمين.</p>

Emoji: 👩🏽‍💻 🚀 🇬🇷 🇯🇵 🧪, and a run with no spaces: ${'🐘🔥🧵📦'.repeat(12)}

---

A last line after a rule.

[^first]: A short footnote.
[^second]: A long footnote with a long address ${longUrl} and ${longWord}.
`;
