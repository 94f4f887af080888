/**
 * Text colours that meet WCAG 2.1 AA contrast (4.5:1 for normal text,
 * https://www.w3.org/TR/WCAG21/#contrast-minimum) on given backgrounds. Used for the code themes
 * (Prism on lesson pages, CodeMirror in the playground): their stock palettes draw comments,
 * keys and strings at 2.2-4.4:1, and lower still on a highlighted line.
 */

type Rgb = [number, number, number];

/** `#rgb`, `#rrggbb` or `rgb(r, g, b)` (how prism-react-renderer's dracula writes its colours). */
function parseHex(color: string): Rgb | undefined {
  const rgb = /^rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(color.trim());
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return undefined;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

const toHex = (rgb: Rgb) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/** Relative luminance, https://www.w3.org/TR/WCAG21/#dfn-relative-luminance */
function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Contrast ratio of two colours, https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [parseHex(a), parseHex(b)].map((c) => {
    if (!c) throw new Error(`contrastRatio: "${c === undefined ? a : b}" is not a #rgb, #rrggbb or rgb() colour`);
    return luminance(c);
  });
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * `color`, moved towards black on light backgrounds (towards white on dark ones) in small steps
 * until it reaches `min` against every background; unchanged when it already does. Colours that
 * cannot be read (e.g. `inherit`) are returned as they are.
 */
export function readable(color: string, backgrounds: readonly string[], min = 4.6): string {
  const rgb = parseHex(color);
  if (!rgb) return color;
  const dark = luminance(parseHex(backgrounds[0]) ?? [255, 255, 255]) < 0.2;
  const target = dark ? 255 : 0;
  for (let t = 0; t <= 1.0001; t += 0.02) {
    const candidate = toHex(rgb.map((c) => c + (target - c) * t) as Rgb);
    if (backgrounds.every((bg) => contrastRatio(candidate, bg) >= min)) return candidate;
  }
  return dark ? '#ffffff' : '#000000';
}

/** The Prism theme shape (prism-react-renderer's PrismTheme), kept structural so this file has no imports. */
interface PrismLike {
  plain: {color?: string; backgroundColor?: string};
  styles: {types: string[]; style: {color?: string}}[];
}

/**
 * A Prism theme whose token colours all reach AA contrast on its own background and on the
 * highlighted-line background `highlightedLine` (the wash src/css/custom.css lays over it).
 */
export function readablePrismTheme<T extends PrismLike>(theme: T, highlightedLine: string): T {
  const backgrounds = [theme.plain.backgroundColor ?? '#ffffff', highlightedLine];
  return {
    ...theme,
    plain: {...theme.plain, color: theme.plain.color && readable(theme.plain.color, backgrounds)},
    styles: theme.styles.map((entry) =>
      entry.style.color ? {...entry, style: {...entry.style, color: readable(entry.style.color, backgrounds)}} : entry,
    ),
  };
}
