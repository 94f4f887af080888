/**
 * Names as the runner sends them: absolute, a Service under its full name, so a pod's resolver
 * asks once (resolv.conf ndots:5 and the search list, Kubernetes "DNS for Services and Pods"), and
 * the Host header as the lab wrote it.
 */
import {describe, expect, it} from 'vitest';
import {absoluteName, absoluteRequest, serviceOfHost} from '../../src/lab/probe-request';

const NAMESPACES = ['star-wars', 'empire'];

describe('absoluteName', () => {
  it('expands every form of a Service name of the lab to svc.ns.svc.cluster.local.', () => {
    expect(absoluteName('deathstar', 'star-wars', NAMESPACES)).toBe('deathstar.star-wars.svc.cluster.local.');
    expect(absoluteName('deathstar.empire', 'star-wars', NAMESPACES)).toBe('deathstar.empire.svc.cluster.local.');
    expect(absoluteName('deathstar.empire.svc', 'star-wars', NAMESPACES)).toBe('deathstar.empire.svc.cluster.local.');
    expect(absoluteName('deathstar.empire.svc.cluster.local', 'star-wars', NAMESPACES)).toBe('deathstar.empire.svc.cluster.local.');
    expect(absoluteName('deathstar.empire.svc.cluster.local.', 'star-wars', NAMESPACES)).toBe('deathstar.empire.svc.cluster.local.');
  });

  it('makes other names absolute as they are, and leaves addresses alone', () => {
    expect(absoluteName('mos-eisley.example', 'star-wars', NAMESPACES)).toBe('mos-eisley.example.');
    // b is not a namespace of the lab: not a Service name.
    expect(absoluteName('api.github', 'star-wars', NAMESPACES)).toBe('api.github.');
    expect(absoluteName('172.30.0.50', 'star-wars', NAMESPACES)).toBe('172.30.0.50');
  });

  it('reads a short name in the client\'s namespace, and none without a client namespace', () => {
    expect(serviceOfHost('deathstar', 'empire')).toEqual({service: 'deathstar', namespace: 'empire'});
    expect(serviceOfHost('deathstar', undefined)).toBeUndefined();
    expect(serviceOfHost('deathstar.empire.svc.other.domain', 'empire')).toBeUndefined();
  });
});

describe('absoluteRequest', () => {
  it('HTTP: absolute URL host, Host header as written (with its port)', () => {
    expect(absoluteRequest({kind: 'http', method: 'GET', url: 'http://deathstar:8080/v1?x=1'}, 'star-wars', NAMESPACES)).toEqual({
      kind: 'http',
      method: 'GET',
      url: 'http://deathstar.star-wars.svc.cluster.local.:8080/v1?x=1',
      host: 'deathstar:8080',
    });
    const explicit = absoluteRequest({kind: 'http', method: 'POST', url: 'http://deathstar.star-wars.svc.cluster.local/v1', host: 'galactic.empire', headers: {'X-Has-Force': 'true'}}, 'star-wars', NAMESPACES);
    expect(explicit).toEqual({kind: 'http', method: 'POST', url: 'http://deathstar.star-wars.svc.cluster.local./v1', host: 'galactic.empire', headers: {'X-Has-Force': 'true'}});
  });

  it('TCP, ICMP, DNS and gRPC: the name made absolute', () => {
    expect(absoluteRequest({kind: 'tcp', host: 'redis.empire', port: 6379}, 'star-wars', NAMESPACES)).toEqual({kind: 'tcp', host: 'redis.empire.svc.cluster.local.', port: 6379});
    expect(absoluteRequest({kind: 'icmp', host: 'probes'}, 'empire', NAMESPACES)).toEqual({kind: 'icmp', host: 'probes.empire.svc.cluster.local.'});
    expect(absoluteRequest({kind: 'dns', name: 'mos-eisley.example'}, 'empire', NAMESPACES)).toEqual({kind: 'dns', name: 'mos-eisley.example.'});
    expect(absoluteRequest({kind: 'grpc', url: 'http://cc-door-server.empire.svc.cluster.local:50051/cloudcity.DoorManager/GetName'}, 'empire', NAMESPACES)).toEqual({
      kind: 'grpc',
      url: 'http://cc-door-server.empire.svc.cluster.local.:50051/cloudcity.DoorManager/GetName',
    });
  });
});
