import { Button, Menu } from '@mantine/core';
import type { RefObject } from 'react';

/** One plotted row as it goes into the CSV: column name → value (null is an empty cell). */
export type ChartExportRow = Record<string, string | number | null>;

export type ChartExportProps = {
  /** The file's name without its extension (`.csv` / `.png` is added). */
  filename: string;
  /** The rows the chart plots. */
  rows: readonly ChartExportRow[];
  /** The element that holds the chart's SVG (the largest SVG inside it is the one drawn). */
  target: RefObject<HTMLElement | null>;
};

/** An "Export" menu beside a chart: the plotted rows as CSV, the chart as a PNG at twice its size. */
export function ChartExport({ filename, rows, target }: ChartExportProps) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="subtle" size="compact-sm" aria-label={`Export ${filename}`}>
          Export
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item
          disabled={rows.length === 0}
          onClick={() =>
            downloadBlob(
              new Blob([chartRowsToCsv(rows)], { type: 'text/csv;charset=utf-8' }),
              `${filename}.csv`,
            )
          }
        >
          Download CSV
        </Menu.Item>
        <Menu.Item
          onClick={async () => {
            const svg = target.current ? largestSvg(target.current) : null;
            if (!svg) return;
            downloadBlob(await svgToPng(svg, 2), `${filename}.png`);
          }}
        >
          Download PNG
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/**
 * The rows as CSV per RFC 4180: a header row of every column in order of first appearance, CRLF
 * line ends, a field quoted (quotes doubled) when it holds a comma, a quote or a line break.
 */
export function chartRowsToCsv(rows: readonly ChartExportRow[]): string {
  const columns: string[] = [];
  for (const row of rows) {
    for (const column of Object.keys(row)) if (!columns.includes(column)) columns.push(column);
  }
  const lines = [columns.map(csvField)];
  for (const row of rows) lines.push(columns.map((column) => csvField(row[column] ?? null)));
  return `${lines.map((fields) => fields.join(',')).join('\r\n')}\r\n`;
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The click starts the download synchronously; revoke on the next tick so it has the URL.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

// Recharts draws small SVGs for legend icons too; the plot is the biggest one.
function largestSvg(container: HTMLElement): SVGSVGElement | null {
  let best: SVGSVGElement | null = null;
  let bestArea = 0;
  for (const svg of container.querySelectorAll('svg')) {
    const box = svg.getBoundingClientRect();
    if (box.width * box.height > bestArea) {
      best = svg;
      bestArea = box.width * box.height;
    }
  }
  return best;
}

// Presentation properties a chart's look depends on; Mantine sets many through CSS variables,
// which a standalone SVG image cannot resolve, so their computed values are inlined.
const INLINED_STYLES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'color',
  'visibility',
  'display',
] as const;

/** Draws the SVG, with its computed styles inlined, onto a white canvas `scale` times its size. */
async function svgToPng(svg: SVGSVGElement, scale: number): Promise<Blob> {
  const { width, height } = svg.getBoundingClientRect();
  // The clone keeps the original's element order, so the two lists pair up one to one.
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  originals.forEach((original, index) => {
    const copy = copies[index];
    if (!(copy instanceof SVGElement)) return;
    const computed = getComputedStyle(original);
    const style = INLINED_STYLES.map((name) => `${name}:${computed.getPropertyValue(name)}`).join(';');
    copy.setAttribute('style', `${copy.getAttribute('style') ?? ''};${style}`);
  });
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const source = new XMLSerializer().serializeToString(clone);
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot draw on a canvas');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.scale(scale, scale);
  context.drawImage(image, 0, 0, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The chart could not be drawn as PNG'))),
      'image/png',
    ),
  );
}
