// Vite needs no settings for the package: this one only makes the built page's URLs relative,
// so that `npx vite build` gives a static site (dist/) that works from any folder of any host.
import { defineConfig } from 'vite';

export default defineConfig({ base: './' });
