// ACM, read-only: whether the certificate the HTTPS listener would use is ISSUED. A listener with a
// certificate that is PENDING_VALIDATION, EXPIRED, … fails its create or update halfway through the edge
// stack (UnsupportedCertificate), after the network and data tiers already changed.
import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';

export interface CertificateInfo {
  arn: string;
  /** PENDING_VALIDATION | ISSUED | INACTIVE | EXPIRED | VALIDATION_TIMED_OUT | REVOKED | FAILED */
  status: string;
  domainName?: string | undefined;
  /** Every name the certificate covers (ACM lists DomainName among them); may hold wildcards. */
  names?: string[] | undefined;
}

export interface AcmApi {
  /** undefined when ACM does not know the ARN (deleted, another account or region). */
  describeCertificate(arn: string): Promise<CertificateInfo | undefined>;
}

export function sdkAcm(client: ACMClient): AcmApi {
  return {
    async describeCertificate(arn) {
      try {
        const out = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
        const c = out.Certificate;
        if (!c) return undefined;
        return {
          arn,
          status: c.Status ?? 'UNKNOWN',
          domainName: c.DomainName,
          names: c.SubjectAlternativeNames,
        };
      } catch (error) {
        if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    },
  };
}
