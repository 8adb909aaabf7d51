// Chromium for the browser tests: Debian's package, driven by playwright-core (Playwright's
// own browser downloads are not used).
import { ensureCommand } from './debian.mjs';

export const ensureChromium = () => ensureCommand({
  command: 'chromium', pkg: 'chromium', purpose: 'The browser tests need it',
  elsewhere: 'any Chromium whose binary is on PATH as `chromium`',
});
