import React from 'react';
import type {Cluster} from '@site/src/policy';
import styles from './styles.module.css';

/**
 * The pods with their labels (what selectors match) and Services, so the learner knows who is
 * who: the lab's app and the cluster DNS in kube-system, which the simulator models because every
 * name lookup goes there.
 */
export default function ClusterView({cluster}: {cluster: Cluster}): React.ReactNode {
  return (
    <section className={styles.cluster} aria-labelledby="playground-cluster">
      <h2 id="playground-cluster" className={styles.sideTitle}>
        The cluster
      </h2>
      <table className={styles.clusterTable}>
        <thead>
          <tr>
            <th scope="col">Pod</th>
            <th scope="col">Labels</th>
          </tr>
        </thead>
        <tbody>
          {cluster.pods.map((pod) => (
            <tr key={`${pod.namespace}/${pod.name}`} data-testid="playground-pod">
              <td className={styles.nowrap}>
                <code>{`${pod.namespace}/${pod.name}`}</code>
              </td>
              <td>
                {Object.entries(pod.labels ?? {}).map(([k, v]) => (
                  <code key={k} className={styles.label}>{`${k}=${v}`}</code>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {(cluster.services ?? []).map((svc) => (
        <p key={`${svc.namespace}/${svc.name}`} className={styles.muted}>
          Service <code>{`${svc.namespace}/${svc.name}`}</code> (port {svc.ports.map((p) => p.port).join(', ')}) sends to pods with{' '}
          {Object.entries(svc.selector ?? {}).map(([k, v], i) => (
            <React.Fragment key={k}>
              {i > 0 && ', '}
              <code>{`${k}=${v}`}</code>
            </React.Fragment>
          ))}
          .
        </p>
      ))}
      <p className={styles.muted}>
        All in namespace <code>{cluster.namespaces.map((n) => n.name).join(', ')}</code>.
      </p>
    </section>
  );
}
