// Draws the app's marketplace logos (assets/logo.png 320x320, assets/logo-small.png 128x128) and
// writes the SVG icons (assets/logo.svg, assets/icon_nav_bar.svg). Run once after a design change:
//   ./node_modules/.bin/node zendesk-app/tools/make-logos.ts
// The PNGs are committed; this script documents how they were made. No dependencies.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePng } from './png.ts';

const ASSETS = fileURLToPath(new URL('../assets/', import.meta.url));

type Rgba = [number, number, number, number];
const TEAL: Rgba = [23, 73, 77, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

/** Signed distance to a rounded rectangle centred at (cx, cy). */
function roundedRect(x: number, y: number, cx: number, cy: number, hw: number, hh: number, r: number): number {
  const qx = Math.abs(x - cx) - (hw - r);
  const qy = Math.abs(y - cy) - (hh - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function insideTriangle(x: number, y: number, a: [number, number], b: [number, number], c: [number, number]): boolean {
  const side = (p: [number, number], q: [number, number]) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/** The design in unit coordinates (0..1): what colour is at (u, v). */
function sample(u: number, v: number, roundedBackground: boolean): Rgba {
  if (roundedBackground && roundedRect(u, v, 0.5, 0.5, 0.5, 0.5, 0.18) > 0) return CLEAR;
  const inBubble = roundedRect(u, v, 0.5, 0.45, 0.3, 0.21, 0.1) <= 0 || insideTriangle(u, v, [0.3, 0.6], [0.27, 0.8], [0.46, 0.64]);
  if (!inBubble) return TEAL;
  for (const dx of [0.37, 0.5, 0.63]) {
    if (Math.hypot(u - dx, v - 0.45) <= 0.045) return TEAL;
  }
  return WHITE;
}

function draw(size: number, roundedBackground: boolean): Buffer {
  const ss = 4; // 4x4 supersampling for smooth edges
  const out = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = sample((x + (sx + 0.5) / ss) / size, (y + (sy + 0.5) / ss) / size, roundedBackground);
          const a = c[3] / 255;
          acc[0] = (acc[0] ?? 0) + c[0] * a;
          acc[1] = (acc[1] ?? 0) + c[1] * a;
          acc[2] = (acc[2] ?? 0) + c[2] * a;
          acc[3] = (acc[3] ?? 0) + a;
        }
      }
      const alpha = (acc[3] ?? 0) / (ss * ss);
      const i = (y * size + x) * 4;
      out[i] = alpha > 0 ? Math.round((acc[0] ?? 0) / (acc[3] ?? 1)) : 0;
      out[i + 1] = alpha > 0 ? Math.round((acc[1] ?? 0) / (acc[3] ?? 1)) : 0;
      out[i + 2] = alpha > 0 ? Math.round((acc[2] ?? 0) / (acc[3] ?? 1)) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return encodePng(size, size, out);
}

const BUBBLE_PATH = 'M6 3h6a3 3 0 0 1 3 3v2.6a3 3 0 0 1-3 3H9.2L5.6 14.4l.5-2.9A3 3 0 0 1 3 8.6V6a3 3 0 0 1 3-3z';

// Large icon: full bleed, no rounded corners (Zendesk rounds them). Small icon: PNG-24 with
// transparency, so its own rounded square.
writeFileSync(`${ASSETS}logo.png`, draw(320, false));
writeFileSync(`${ASSETS}logo-small.png`, draw(128, true));
writeFileSync(
  `${ASSETS}logo.svg`,
  `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320" viewBox="0 0 320 320" role="img">
  <title>Post-Interaction SMS</title>
  <rect width="320" height="320" fill="#17494D"/>
  <rect x="64" y="77" width="192" height="134" rx="32" fill="#fff"/>
  <path d="M96 192 86 256 147 205z" fill="#fff"/>
  <g fill="#17494D"><circle cx="118" cy="144" r="14"/><circle cx="160" cy="144" r="14"/><circle cx="202" cy="144" r="14"/></g>
</svg>
`,
);
// Nav bar icon: 18x18, no fill of its own (currentColor) so Zendesk can colour it.
writeFileSync(
  `${ASSETS}icon_nav_bar.svg`,
  `<svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="0 0 18 18" focusable="false" role="img">
  <title>Post-Interaction SMS</title>
  <path fill="currentColor" d="${BUBBLE_PATH}"/>
</svg>
`,
);
console.log(`wrote logo.png, logo-small.png, logo.svg, icon_nav_bar.svg to ${ASSETS}`);
