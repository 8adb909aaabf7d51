// `npm run test:quick` (QUICK=1) runs the test files without what needs root, a browser, native
// builds or other Node lines; the parts left out show as skipped, with the reason.

/** A skip reason under test:quick, naming what it leaves out; false in the full suite. */
export const leftOutOfQuick = (what: string): string | false =>
  (process.env.QUICK ? `npm run test:quick leaves out ${what}: npm test runs it` : false);
