// ACM DNS validation inside a deploy. With HostedZoneId, CloudFormation writes the validation CNAME and
// the Certificate resource stays CREATE_IN_PROGRESS until ACM issues it, usually within minutes. If the
// zone is not the one the internet asks for the name (not authoritative: the parent's NS records point
// elsewhere), ACM never sees the record and CloudFormation keeps waiting, for up to ACM's 72 hours. The
// deploy stops waiting after CERTIFICATE_PENDING_LIMIT_MS and says why instead.
import type { Clock } from './clock.js';
import type { WatchEvent } from './watch.js';

export const CERTIFICATE_TYPE = 'AWS::CertificateManager::Certificate';

/** Terraform's aws_acm_certificate_validation waits 45 minutes by default; ACM itself needs minutes. */
export const CERTIFICATE_PENDING_LIMIT_MS = 45 * 60_000;

export interface PendingCertificate {
  /** EdgeStack/Certificate */
  path: string;
  physicalId: string;
  pendingMs: number;
  /** CloudFormation's reason line, e.g. "Content of DNS Record is: {Name: _x.example.com., ...}" */
  reason?: string | undefined;
}

export const isCertificateValidating = (event: Pick<WatchEvent, 'resourceType' | 'status'>): boolean =>
  event.resourceType === CERTIFICATE_TYPE && event.status === 'CREATE_IN_PROGRESS';

/** Follows certificate events; says which one has been pending longer than the limit. */
export function certificateWatch(clock: Clock, limitMs = CERTIFICATE_PENDING_LIMIT_MS) {
  const pending = new Map<string, { since: number; event: WatchEvent }>();
  return {
    onEvent(event: WatchEvent): void {
      if (event.resourceType !== CERTIFICATE_TYPE) return;
      const key = `${event.stackId}/${event.logicalId}`;
      if (isCertificateValidating(event)) {
        const since = pending.get(key)?.since ?? clock.now();
        pending.set(key, { since, event });
      } else pending.delete(key);
    },
    overdue(): PendingCertificate | undefined {
      for (const { since, event } of pending.values()) {
        const pendingMs = clock.now() - since;
        if (pendingMs >= limitMs)
          return {
            path: `${event.stackLabel}/${event.logicalId}`,
            physicalId: event.physicalId,
            pendingMs,
            reason: event.reason,
          };
      }
      return undefined;
    },
  };
}
