/**
 * The imperial-archive lab for the playground, loaded and validated with the same loader the runner uses.
 * A module of its own: the playground loads it when the learner picks it, so its texts stay out of
 * the page's first download.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from '../loadLab';
import imperialArchiveLab from '@site/labs/imperial-archive/lab.yaml?raw';
import imperialArchiveApp from '@site/labs/imperial-archive/app.yaml?raw';
import imperialArchiveArchiveCatalog from '@site/labs/imperial-archive/archive-catalog.yaml?raw';
import imperialArchiveArchiveMapsUnescaped from '@site/labs/imperial-archive/archive-maps-unescaped.yaml?raw';
import imperialArchiveArchiveMaps from '@site/labs/imperial-archive/archive-maps.yaml?raw';
import imperialArchiveArchiveRecords from '@site/labs/imperial-archive/archive-records.yaml?raw';
import imperialArchiveArchiveHeaderMatches from '@site/labs/imperial-archive/archive-header-matches.yaml?raw';
import imperialArchiveArchivePerPeer from '@site/labs/imperial-archive/archive-per-peer.yaml?raw';
import imperialArchiveArchiveHost from '@site/labs/imperial-archive/archive-host.yaml?raw';
import imperialArchiveArchiveArchivistsL4 from '@site/labs/imperial-archive/archive-archivists-l4.yaml?raw';
import imperialArchiveArchiveVisibility from '@site/labs/imperial-archive/archive-visibility.yaml?raw';

const lab: Lab = loadLabFromTexts('labs/imperial-archive', {
  'lab.yaml': imperialArchiveLab,
  'app.yaml': imperialArchiveApp,
  'archive-catalog.yaml': imperialArchiveArchiveCatalog,
  'archive-maps-unescaped.yaml': imperialArchiveArchiveMapsUnescaped,
  'archive-maps.yaml': imperialArchiveArchiveMaps,
  'archive-records.yaml': imperialArchiveArchiveRecords,
  'archive-header-matches.yaml': imperialArchiveArchiveHeaderMatches,
  'archive-per-peer.yaml': imperialArchiveArchivePerPeer,
  'archive-host.yaml': imperialArchiveArchiveHost,
  'archive-archivists-l4.yaml': imperialArchiveArchiveArchivistsL4,
  'archive-visibility.yaml': imperialArchiveArchiveVisibility,
});
export default lab;
