// The rules issue 13 adds across keys: which DomainName / HostedZoneId / CertificateArn combinations can
// serve HTTPS, and when plain HTTP to the internet is refused or only warned about. Pure, like validate.ts
// (which calls checkDomain); the CLI prints plainHttpWarning on `validate` and above the deploy preview.
import type { RootParameterName } from '../synth/parameters.js';

type Values = Partial<Record<RootParameterName, string>>;
type Fail = (key: string, message: string) => void;

/** The internet as a whole: anyone may connect. */
const WHOLE_INTERNET = ['0.0.0.0/0', '::/0'];

/** Whether the ALB would answer over plain HTTP only: HTTPS needs a certificate, which needs a name. */
export function servesPlainHttp(values: Values): boolean {
  return (values.DomainName ?? '') === '' && (values.CertificateArn ?? '') === '';
}

export function openToWholeInternet(values: Values): boolean {
  const cidrs = (values.AllowedIngressCidrs ?? '').split(',').map((cidr) => cidr.trim());
  return cidrs.some((cidr) => WHOLE_INTERNET.includes(cidr));
}

const plainHttpToInternet = (values: Values): boolean =>
  servesPlainHttp(values) && openToWholeInternet(values) && values.AllowPlainHttp !== 'true';

const HTTPS_HOW =
  'set DomainName and HostedZoneId (the stack makes the certificate), narrow AllowedIngressCidrs to your own networks, or set "AllowPlainHttp": "true" to accept it';

export function checkDomain(values: Values, fail: Fail): void {
  const domain = values.DomainName ?? '';
  const zone = values.HostedZoneId ?? '';
  const certificate = values.CertificateArn ?? '';
  if (domain.length > 253) fail('DomainName', `${domain.length} characters; a DNS name has at most 253`);
  if (certificate !== '' && domain === '') {
    fail(
      'CertificateArn',
      "needs DomainName: no certificate covers the load balancer's own name (*.elb.amazonaws.com), so browsers and deploy's health check would refuse it; set DomainName to the name the certificate is for",
    );
  }
  if (zone !== '' && domain === '') fail('HostedZoneId', 'needs DomainName: the name to create in that zone');
  if (domain !== '' && zone === '' && certificate === '') {
    fail(
      'DomainName',
      'needs HostedZoneId (its Route 53 zone: the stack then makes the certificate and the DNS record) or CertificateArn (a certificate of yours for it; you then point the name at the load balancer)',
    );
  }
  // A stack with deletion protection on holds data someone wants kept: its logins must not cross the
  // internet in cleartext.
  if (values.DbDeletionProtection === 'true' && plainHttpToInternet(values)) {
    fail(
      'AllowedIngressCidrs',
      `open to the whole internet over plain HTTP while DbDeletionProtection is on (a production stack): Metabase logins, session cookies and query results would cross the internet in cleartext; ${HTTPS_HOW}`,
    );
  }
}

/** For a stack without deletion protection: the same exposure, said but not refused. */
export function plainHttpWarning(values: Values): string | undefined {
  if (values.DbDeletionProtection === 'true' || !plainHttpToInternet(values)) return undefined;
  return `warning: Metabase will be served over plain HTTP to the whole internet (AllowedIngressCidrs ${values.AllowedIngressCidrs}): logins, session cookies and query results cross it in cleartext. Fine for a trial; otherwise ${HTTPS_HOW}.`;
}
