/**
 * The cloud-city-grpc lab for the playground, loaded and validated with the same loader the runner uses.
 * A module of its own: the playground loads it when the learner picks it, so its texts stay out of
 * the page's first download.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from '../loadLab';
import cloudCityGrpcLab from '@site/labs/cloud-city-grpc/lab.yaml?raw';
import cloudCityGrpcApp from '@site/labs/cloud-city-grpc/app.yaml?raw';
import cloudCityGrpcDoorMgrPublicMethods from '@site/labs/cloud-city-grpc/door-mgr-public-methods.yaml?raw';
import cloudCityGrpcDoorMgrPerPeer from '@site/labs/cloud-city-grpc/door-mgr-per-peer.yaml?raw';
import cloudCityGrpcDoorMgrTerminalsL4 from '@site/labs/cloud-city-grpc/door-mgr-terminals-l4.yaml?raw';

const lab: Lab = loadLabFromTexts('labs/cloud-city-grpc', {
  'lab.yaml': cloudCityGrpcLab,
  'app.yaml': cloudCityGrpcApp,
  'door-mgr-public-methods.yaml': cloudCityGrpcDoorMgrPublicMethods,
  'door-mgr-per-peer.yaml': cloudCityGrpcDoorMgrPerPeer,
  'door-mgr-terminals-l4.yaml': cloudCityGrpcDoorMgrTerminalsL4,
});

export default lab;
