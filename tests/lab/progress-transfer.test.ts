/**
 * Progress as a file and the course outline the progress page counts against: an export comes back
 * in unchanged; other files are refused with a reason; the outline follows sidebars.ts and gives
 * each lesson the probes of the lab steps that name it.
 */
import {describe, expect, it} from 'vitest';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {courseOutline, type SidebarItem} from '../../src/progress/outline';
import type {Progress} from '../../src/progress/store';
import {exportProgress, importProgress} from '../../src/progress/transfer';

const progress: Progress = {
  version: 1,
  predictions: {'deathstar/cilium-l7/0': 'allowed', 'deathstar/cilium-l7/1': 'l7-denied'},
  read: {'/docs/deathstar/cilium-l7': '2026-11-29T03:00:00.000Z'},
  solved: {'deathstar/least-privilege-landing': '2026-11-29T03:10:00.000Z'},
};

describe('export and import', () => {
  it('round-trips an export', () => {
    const text = exportProgress(progress, new Date('2026-11-29T04:00:00Z'));
    expect(JSON.parse(text)).toMatchObject({format: 'netpol-labs-progress', exportedAt: '2026-11-29T04:00:00.000Z'});
    expect(importProgress(text)).toEqual({progress});
  });

  it('refuses what is not an export, saying why', () => {
    expect(importProgress('{oops')).toEqual({error: expect.stringMatching(/^the file is not JSON \(.+\); choose a file that "Export progress" saved$/)});
    expect(importProgress(JSON.stringify(progress))).toEqual({error: expect.stringContaining('lacks "format": "netpol-labs-progress"')});
    const tampered = JSON.stringify({format: 'netpol-labs-progress', ...progress, predictions: {'deathstar/cilium-l7/0': 'maybe'}});
    expect(importProgress(tampered)).toEqual({error: expect.stringContaining('another shape')});
    const newer = JSON.stringify({format: 'netpol-labs-progress', ...progress, version: 2});
    expect(importProgress(newer)).toEqual({error: expect.stringContaining('another shape')});
  });
});

describe('the course outline', () => {
  it('lists modules in sidebar order with each lesson\'s probes', () => {
    const sidebar: SidebarItem[] = [
      {type: 'doc', id: 'intro'},
      {type: 'category', label: 'Module 1: the Death Star', link: {type: 'doc', id: 'deathstar/index'}, items: [{type: 'doc', id: 'deathstar/default-allow'}, {type: 'doc', id: 'deathstar/cilium-l7'}]},
    ];
    const docs = [
      {id: 'intro', title: 'Start', permalink: '/docs/intro'},
      {id: 'deathstar/index', title: 'The Death Star', permalink: '/docs/deathstar/'},
      {id: 'deathstar/default-allow', title: 'Default allow', permalink: '/docs/deathstar/default-allow'},
      {id: 'deathstar/cilium-l7', title: 'L7', permalink: '/docs/deathstar/cilium-l7'},
    ];
    const lab = readLabOrThrow('labs/deathstar');
    // lab.yaml: step cilium-l7 names lesson deathstar/cilium-l7; step no-policy names deathstar/default-allow.
    const l7 = lab.steps.find((s) => s.id === 'cilium-l7')!;
    const outline = courseOutline(sidebar, docs, [lab]);
    expect(outline.map((m) => [m.label, m.lessons.map((l) => l.permalink)])).toEqual([
      ['Start here', ['/docs/intro']],
      ['Module 1: the Death Star', ['/docs/deathstar/', '/docs/deathstar/default-allow', '/docs/deathstar/cilium-l7']],
    ]);
    expect(outline[1].lessons[2].probes).toEqual(l7.probes.map((p, i) => ({key: `deathstar/cilium-l7/${i}`, expect: p.expect})));
    expect(outline[1].lessons[0].probes).toEqual([]);
  });
});
