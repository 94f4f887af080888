/**
 * The mediabot-fqdn lab for the playground, loaded and validated with the same loader the runner uses.
 * A module of its own: the playground loads it when the learner picks it, so its texts stay out of
 * the page's first download.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from '../loadLab';
import mediabotFqdnLab from '@site/labs/mediabot-fqdn/lab.yaml?raw';
import mediabotFqdnApp from '@site/labs/mediabot-fqdn/app.yaml?raw';
import mediabotFqdnMediabotDnsOnly from '@site/labs/mediabot-fqdn/mediabot-dns-only.yaml?raw';
import mediabotFqdnMediabotHolonet from '@site/labs/mediabot-fqdn/mediabot-holonet.yaml?raw';
import mediabotFqdnMediabotHolonetSubdomains from '@site/labs/mediabot-fqdn/mediabot-holonet-subdomains.yaml?raw';
import mediabotFqdnMediabotHolonetLookupsOnly from '@site/labs/mediabot-fqdn/mediabot-holonet-lookups-only.yaml?raw';
import mediabotFqdnMediabotHolonetHttp from '@site/labs/mediabot-fqdn/mediabot-holonet-http.yaml?raw';
import mediabotFqdnMediabotOutsideCidr from '@site/labs/mediabot-fqdn/mediabot-outside-cidr.yaml?raw';
import mediabotFqdnMediabotWorld from '@site/labs/mediabot-fqdn/mediabot-world.yaml?raw';
import mediabotFqdnMediabotAll from '@site/labs/mediabot-fqdn/mediabot-all.yaml?raw';
import mediabotFqdnDeathstarFromWorld from '@site/labs/mediabot-fqdn/deathstar-from-world.yaml?raw';
import mediabotFqdnDeathstarFromOutsideCidr from '@site/labs/mediabot-fqdn/deathstar-from-outside-cidr.yaml?raw';

const lab: Lab = loadLabFromTexts('labs/mediabot-fqdn', {
  'lab.yaml': mediabotFqdnLab,
  'app.yaml': mediabotFqdnApp,
  'mediabot-dns-only.yaml': mediabotFqdnMediabotDnsOnly,
  'mediabot-holonet.yaml': mediabotFqdnMediabotHolonet,
  'mediabot-holonet-subdomains.yaml': mediabotFqdnMediabotHolonetSubdomains,
  'mediabot-holonet-lookups-only.yaml': mediabotFqdnMediabotHolonetLookupsOnly,
  'mediabot-holonet-http.yaml': mediabotFqdnMediabotHolonetHttp,
  'mediabot-outside-cidr.yaml': mediabotFqdnMediabotOutsideCidr,
  'mediabot-world.yaml': mediabotFqdnMediabotWorld,
  'mediabot-all.yaml': mediabotFqdnMediabotAll,
  'deathstar-from-world.yaml': mediabotFqdnDeathstarFromWorld,
  'deathstar-from-outside-cidr.yaml': mediabotFqdnDeathstarFromOutsideCidr,
});
export default lab;
