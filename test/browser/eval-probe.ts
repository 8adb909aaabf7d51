// Loaded by test/browser/csp.ts into a page under test: whether the page's policy lets module
// code eval. Checked as the module runs, outside the DevTools call that imports it (DevTools
// evaluations may eval whatever the policy says).
export let evalRefused = false;
try {
  (0, eval)('1');
} catch {
  evalRefused = true;
}
