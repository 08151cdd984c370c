import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** A PDF as pdf.js reads it: its pages' text, one string per line, and its page size. */
export async function readPdf(
  pdf: Buffer,
): Promise<{ lines: string[]; pages: number; size: number[] }> {
  const document = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  const lines: string[] = [];
  let size: number[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number);
    if (number === 1) size = page.view.slice(2).map((value) => Math.round(value));
    const { items } = await page.getTextContent();
    // items on one baseline make one line, left to right
    const rows = new Map<number, { x: number; text: string }[]>();
    for (const item of items) {
      if (!('str' in item) || item.str.trim() === '') continue;
      const y = Math.round(item.transform[5] as number);
      rows.set(y, [...(rows.get(y) ?? []), { x: item.transform[4] as number, text: item.str }]);
    }
    for (const [, row] of [...rows].sort(([a], [b]) => b - a)) {
      lines.push(
        row
          .sort((a, b) => a.x - b.x)
          .map((cell) => cell.text)
          .join(' '),
      );
    }
  }
  await document.destroy();
  return { lines, pages: document.numPages, size };
}
