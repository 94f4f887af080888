/**
 * The probe-droids-dns lab for the playground, loaded and validated with the same loader the runner uses.
 * A module of its own: the playground loads it when the learner picks it, so its texts stay out of
 * the page's first download.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from '../loadLab';
import probeDroidsDnsLab from '@site/labs/probe-droids-dns/lab.yaml?raw';
import probeDroidsDnsApp from '@site/labs/probe-droids-dns/app.yaml?raw';
import probeDroidsDnsHothDroidNoDns from '@site/labs/probe-droids-dns/hoth-droid-no-dns.yaml?raw';
import probeDroidsDnsHothDroidMatchName from '@site/labs/probe-droids-dns/hoth-droid-match-name.yaml?raw';
import probeDroidsDnsHothDroidOneLabel from '@site/labs/probe-droids-dns/hoth-droid-one-label.yaml?raw';
import probeDroidsDnsHothDroidAnyDepth from '@site/labs/probe-droids-dns/hoth-droid-any-depth.yaml?raw';
import probeDroidsDnsExecutorAllowDns from '@site/labs/probe-droids-dns/executor-allow-dns.yaml?raw';

const lab: Lab = loadLabFromTexts('labs/probe-droids-dns', {
  'lab.yaml': probeDroidsDnsLab,
  'app.yaml': probeDroidsDnsApp,
  'hoth-droid-no-dns.yaml': probeDroidsDnsHothDroidNoDns,
  'hoth-droid-match-name.yaml': probeDroidsDnsHothDroidMatchName,
  'hoth-droid-one-label.yaml': probeDroidsDnsHothDroidOneLabel,
  'hoth-droid-any-depth.yaml': probeDroidsDnsHothDroidAnyDepth,
  'executor-allow-dns.yaml': probeDroidsDnsExecutorAllowDns,
});

export default lab;
