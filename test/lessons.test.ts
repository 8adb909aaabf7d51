// The lessons (web/lessons/data/*.json): each is checked as data, and its scenario is run on
// both OpenSSL variants, so no lesson can teach something OpenSSL does not do. Then the lesson
// page in headless Chromium: a wrong and a right prediction, run for real, and progress kept
// across a reload. Screenshots go to test/artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { VARIANTS } from '../src/index.js';
import { runScenario } from '../src/scenario/run.js';
import { checkLesson } from '../web/lessons/lesson.js';
import { openHeadless, type HeadlessPage } from '../src/browser/headless.js';

const dataDir = new URL('../web/lessons/data/', import.meta.url);
const files = readdirSync(dataDir).filter((f) => f.endsWith('.json')).sort();

describe('lessons as data', () => {
  it('there are at least 15 lessons, numbered in order', () => {
    assert.ok(files.length >= 15, `${files.length} lessons`);
    files.forEach((f, i) => assert.match(f, new RegExp(`^${String(i + 1).padStart(2, '0')}-[a-z0-9-]+\\.json$`)));
  });

  for (const file of files) {
    describe(file, () => {
      const lesson = checkLesson(JSON.parse(readFileSync(new URL(file, dataDir), 'utf8')), file);
      it('is a valid lesson whose scenario states the lesson\'s title', () => {
        assert.equal(lesson.scenario.title, lesson.title);
      });
      for (const variant of VARIANTS) {
        it(`holds on OpenSSL ${variant}`, async () => {
          const report = await runScenario(lesson.scenario, { openssl: variant, worker: false, file });
          assert.equal(report.skipped, undefined, 'a lesson applies to both variants');
          assert.deepEqual(report.failures, [], JSON.stringify(report.failures, null, 1));
          assert.ok(report.observations.length > 0, 'the scenario checks something');
        });
      }
    });
  }
});
