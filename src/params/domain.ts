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

/** ACM's limit on a certificate's first name, its common name (RFC 5280); further names (SANs) may be 253. */
const MAX_COMMON_NAME = 64;

/**
 * Why DomainName's pattern refused `name`, for the mistakes people make; undefined leaves the generic
 * message. The pattern itself stays the one rule, in the template too.
 */
export function domainNameProblem(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (name.startsWith('*.'))
    return `"${name}" is a wildcard; DomainName is the one name Metabase answers at, e.g. metabase${name.slice(1)} (a wildcard certificate of yours goes in CertificateArn)`;
  if (/^[a-z]+:\/\//i.test(name))
    return `"${name}" is a URL; write the name alone, e.g. metabase.example.com`;
  if (name.endsWith('.') && name.length > 1)
    return `"${name}" ends with a dot (the DNS root, which Route 53 prints); write it without: "${name.slice(0, -1)}"`;
  if (/[\u0080-\uffff]/.test(name))
    return `"${name}" has characters outside a-z, 0-9 and -; write an internationalized name in its punycode form (xn--…), as DNS and ACM take it`;
  if (name !== lower) return `"${name}" has upper-case letters; write it in lower case: "${lower}"`;
  if (name.includes('_'))
    return `"${name}" has an underscore, which host names and ACM certificates do not allow; use a hyphen`;
  const labels = name.split('.');
  if (labels.length < 2) return `"${name}" is a single label; give the full name, e.g. ${name}.example.com`;
  if (labels.includes('')) return `"${name}" has an empty label (two dots in a row, or a leading dot)`;
  const long = labels.find((label) => label.length > 63);
  if (long) return `"${name}": the label "${long}" has ${long.length} characters; a DNS label has at most 63`;
  const hyphen = labels.find((label) => label.startsWith('-') || label.endsWith('-'));
  if (hyphen)
    return `"${name}": the label "${hyphen}" starts or ends with a hyphen, which DNS does not allow`;
  return undefined;
}

/** Why HostedZoneId's pattern refused `zone`, for the forms the AWS CLI and console show. */
export function hostedZoneIdProblem(zone: string): string | undefined {
  const bare = zone.replace(/^\/?hostedzone\//i, '');
  if (bare !== zone)
    return `"${zone}" is the zone's path as the AWS CLI prints it (Id); write the id alone: "${bare}"`;
  if (zone !== zone.toUpperCase() && /^Z[A-Z0-9]{1,31}$/.test(zone.toUpperCase()))
    return `"${zone}": hosted zone ids are upper case; write "${zone.toUpperCase()}"`;
  return undefined;
}

export function checkDomain(values: Values, fail: Fail): void {
  const domain = values.DomainName ?? '';
  const zone = values.HostedZoneId ?? '';
  const certificate = values.CertificateArn ?? '';
  if (domain.length > 253) fail('DomainName', `${domain.length} characters; a DNS name has at most 253`);
  else if (zone !== '' && certificate === '' && domain.length > MAX_COMMON_NAME) {
    // The stack's certificate names DomainName as its subject; ACM refuses the request mid-deploy otherwise.
    fail(
      'DomainName',
      `${domain.length} characters: the certificate the stack requests for it would have it as its common name, which ACM limits to ${MAX_COMMON_NAME}; use a shorter name, or request a certificate yourself with a shorter first name and this one as an additional name, and set its ARN as CertificateArn`,
    );
  }
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
