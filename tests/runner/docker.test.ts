/**
 * How images reach the kind nodes, decided from what Docker itself prints (`docker version` and
 * `docker info` as JSON, recorded in tests/runner/fixtures with the source of each shape).
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {apiAtLeast, loadMethod, parseDockerFacts} from '../../src/runner/docker';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('Docker facts', () => {
  it('Docker 29 on a GitHub Ubuntu runner: containerd image store, API 1.52, linux/amd64', () => {
    const facts = parseDockerFacts(fixture('docker-version-29.json'), fixture('docker-info-containerd.json'));
    expect(facts).toEqual({version: '29.1.3', apiVersion: '1.52', platform: 'linux/amd64', containerdStore: true});
    // docker save --platform exists from API 1.48 (docker/cli save.go marks the flag so): save one platform.
    expect(loadMethod(facts!)).toBe('archive');
  });

  it('Docker 27 with the classic overlay2 store: kind load docker-image works there', () => {
    const facts = parseDockerFacts(fixture('docker-version-27.json'), fixture('docker-info-overlay2.json'));
    expect(facts).toEqual({version: '27.5.1', apiVersion: '1.47', platform: 'linux/arm64', containerdStore: false});
    expect(loadMethod(facts!)).toBe('docker-image');
  });

  it('Docker 27 with the containerd store: no way to save one platform, so the nodes pull', () => {
    const facts = parseDockerFacts(fixture('docker-version-27.json'), fixture('docker-info-containerd.json'));
    expect(facts?.containerdStore).toBe(true);
    expect(loadMethod(facts!)).toBe('none');
  });

  it('is undefined for output that is not Docker JSON (a daemon that did not answer)', () => {
    expect(parseDockerFacts('', fixture('docker-info-containerd.json'))).toBeUndefined();
    // The client part alone (daemon down: docker version prints no Server).
    const clientOnly = JSON.stringify({Client: JSON.parse(fixture('docker-version-29.json')).Client});
    expect(parseDockerFacts(clientOnly, fixture('docker-info-containerd.json'))).toBeUndefined();
  });

  it('compares API versions numerically', () => {
    expect(apiAtLeast('1.48', '1.48')).toBe(true);
    expect(apiAtLeast('1.52', '1.48')).toBe(true);
    expect(apiAtLeast('1.47', '1.48')).toBe(false);
    expect(apiAtLeast('1.100', '1.48')).toBe(true);
    expect(apiAtLeast('2.0', '1.48')).toBe(true);
  });
});
