// The OpenSSL variant chooser of the playground and the lessons: its options come from the
// package's VARIANTS. Under `npm start` the variants other than the default are built after the
// page is served (scripts/serve.mjs); the server says which are still building, and those are
// shown as such and cannot be chosen until their module is there.
import { DEFAULT_VARIANT, VARIANTS, type Variant } from '../src/index.js';

/** What each line is, for people choosing one. */
const NOTES: Partial<Record<string, string>> = { '1.1': 'end of life', '3.0': 'LTS', '3.5': 'LTS' };
/** Where scripts/serve.mjs reports the variants it is still building; absent on a static host. */
export const BUILDING_URL = '/@openssl-sandbox/building';

const label = (variant: Variant, building: boolean) =>
  `${variant}${NOTES[variant] ? ` (${NOTES[variant]})` : ''}${building ? ' · building…' : ''}`;

/** Fills `select` with the variants, `selected` chosen, and keeps the building marks current. */
export function variantChooser(select: HTMLSelectElement, selected: Variant = DEFAULT_VARIANT): void {
  select.replaceChildren(...VARIANTS.map((v) => new Option(label(v, false), v, v === selected, v === selected)));
  void watchBuilding(select);
}

async function watchBuilding(select: HTMLSelectElement): Promise<void> {
  for (;;) {
    const building: string[] = await fetch(BUILDING_URL).then((r) => (r.ok ? r.json() as Promise<string[]> : []), () => []);
    for (const option of Array.from(select.options)) {
      const variant = option.value as Variant;
      option.disabled = building.includes(variant) && option.value !== select.value;
      option.text = label(variant, building.includes(variant));
    }
    if (building.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}
