/**
 * The course as the progress page lists it: the sidebar's modules, each lesson with its title and
 * link, and the probes of the lab steps it teaches (a step names its lesson in lab.yaml), so the
 * page can count predictions. Built at build time by the progress plugin (src/plugins/progress.js)
 * from the docs plugin's sidebar and the labs, and shipped to that one page as JSON.
 */
import type {Outcome} from '../lab/outcome';
import {predictionKey} from './store';

/** A lesson page and the probes of its steps. */
export interface CourseLesson {
  id: string;
  title: string;
  permalink: string;
  probes: {key: string; expect: Outcome}[];
}

/** A sidebar category (a module), or the lessons outside any. */
export interface CourseModule {
  label: string;
  lessons: CourseLesson[];
}

/** The sidebar items the outline reads (the docs plugin's normalized sidebar). */
export type SidebarItem =
  | {type: 'doc'; id: string}
  | {type: 'category'; label: string; items: SidebarItem[]; link?: {type: string; id?: string}}
  | {type: string};

/** A doc as the docs plugin loaded it. */
export interface DocInfo {
  id: string;
  title: string;
  permalink: string;
}

/** What the outline reads of a lab: its steps, the lesson each teaches, its probes' outcomes (lab.yaml or a loaded lab). */
export interface LabSteps {
  id: string;
  steps: {id: string; lesson?: string; probes: {expect: Outcome}[]}[];
}

/** The modules of a sidebar, in its order; lessons outside any category come first, as "Start here". */
export function courseOutline(sidebar: SidebarItem[], docs: DocInfo[], labs: LabSteps[]): CourseModule[] {
  const byId = new Map(docs.map((d) => [d.id, d]));
  const lesson = (id: string): CourseLesson | undefined => {
    const doc = byId.get(id);
    if (!doc) return undefined;
    const probes = labs.flatMap((lab) =>
      lab.steps
        .filter((step) => step.lesson === id)
        .flatMap((step) => step.probes.map((probe, index) => ({key: predictionKey(lab.id, step.id, index), expect: probe.expect}))),
    );
    return {id, title: doc.title, permalink: doc.permalink, probes};
  };
  const docIds = (items: SidebarItem[]): string[] =>
    items.flatMap((item) => {
      if (item.type === 'doc' && 'id' in item) return [item.id];
      if (item.type === 'category' && 'items' in item) return [...(item.link?.type === 'doc' && item.link.id ? [item.link.id] : []), ...docIds(item.items)];
      return [];
    });
  const lessons = (ids: string[]) => ids.map(lesson).filter((l): l is CourseLesson => l !== undefined);

  const loose = lessons(docIds(sidebar.filter((item) => item.type !== 'category')));
  const modules = sidebar
    .filter((item): item is Extract<SidebarItem, {type: 'category'}> => item.type === 'category' && 'items' in item)
    .map((category) => ({label: category.label, lessons: lessons(docIds([category]))}));
  return [...(loose.length > 0 ? [{label: 'Start here', lessons: loose}] : []), ...modules];
}
