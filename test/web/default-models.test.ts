// The page's default champion is the zoo's 'pairnet-best' row: the config stored in its weights file is the row's
// recipe (the recipe is written in src/models/report-rows.ts, in web/scripts/train-default-models.mjs's flags and in
// studies/best-ablation.json's base; this pins the first two together, studies/best-ablation.test's the third).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../src/engine/safetensors.js';
import { REPORT_ROWS } from '../../src/models/report-rows.js';
import { variantConfig } from '../../src/studies/plan.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { loadStudyConfig } from '../../src/studies/study-file.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import { resolveRunConfig } from '../../src/training/validate.js';

describe("the page's default models", () => {
  it("pairnet-best's weights were trained with the zoo's pairnet-best recipe (seed 1)", () => {
    const row = REPORT_ROWS.find((r) => r.row.startsWith('pairnet-best'))!;
    const { metadata } = readSafetensors(new Uint8Array(readFileSync('web/public/models/pairnet-best.safetensors')), 'pairnet-best.safetensors');
    const stored = JSON.parse(metadata.config);
    const recipe = resolveRunConfig(defaultRunConfig(), { model: row.model, modelOptions: row.modelOptions }, row.overrides, { seed: 1 });
    expect(stored).toEqual(recipe);
    // The ablation's single network: the same recipe, one member, the study's seed (its augment names rotate 0).
    const study = loadStudyConfig('studies/best-ablation.json', studyDefaults());
    const single = variantConfig(study, study.variants.find((v) => v.name === 'single network')!, studyDefaults());
    const { rotate, ...augment } = single.data.augment;
    expect(rotate).toBe(0);
    expect({ ...single, seed: 1, ensemble: 5, data: { ...single.data, augment } }).toEqual(recipe);
  });
});
