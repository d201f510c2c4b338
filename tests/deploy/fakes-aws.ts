// In-memory IAM, ECS and ACM for the deploy preflight and release-locks tests. They follow what the SDK
// wrappers in src/aws return, and count calls on the shared ApiCallCounter like the other fakes.
import type { AcmApi, CertificateInfo } from '../../src/aws/acm.js';
import type { EcsApi, OneOffTaskInput, ServiceInfo, TaskInfo } from '../../src/aws/ecs.js';
import type { IamApi, ServiceLinkedRoleOutcome } from '../../src/aws/iam.js';
import { ApiCallCounter } from '../../src/aws/session.js';
import type { Call } from './fakes.js';

export class FakeIam implements IamApi {
  calls: Call[] = [];
  /** service principals whose role exists */
  existing = new Set<string>();
  /** when set, every call is denied with this message */
  deny: string | undefined;
  constructor(readonly counter = new ApiCallCounter()) {}
  ensureServiceLinkedRole(service: string): Promise<ServiceLinkedRoleOutcome> {
    this.calls.push({ name: 'ensureServiceLinkedRole', arg: service });
    this.counter.record('iam', 'CreateServiceLinkedRole');
    if (this.deny !== undefined) return Promise.resolve({ outcome: 'denied', message: this.deny });
    if (this.existing.has(service)) return Promise.resolve({ outcome: 'exists' });
    this.existing.add(service);
    return Promise.resolve({ outcome: 'created', roleName: `AWSServiceRoleFor-${service}` });
  }
}

export class FakeAcm implements AcmApi {
  calls: Call[] = [];
  certificates = new Map<string, CertificateInfo>();
  constructor(readonly counter = new ApiCallCounter()) {}
  describeCertificate(arn: string): Promise<CertificateInfo | undefined> {
    this.calls.push({ name: 'describeCertificate', arg: arn });
    this.counter.record('acm', 'DescribeCertificate');
    return Promise.resolve(this.certificates.get(arn));
  }
}

/** A service and the one-off tasks run in it; a task stops after `pollsUntilStopped` describes. */
export class FakeEcsTasks implements EcsApi {
  calls: Call[] = [];
  services = new Map<string, ServiceInfo>();
  runFailure: string | undefined;
  pollsUntilStopped = 2;
  exitCode: number | undefined = 0;
  stoppedReason = 'Essential container in task exited';
  tasks = new Map<string, { input: OneOffTaskInput; polls: number }>();
  constructor(readonly counter = new ApiCallCounter()) {}
  describeService(cluster: string, service: string): Promise<ServiceInfo | undefined> {
    this.calls.push({ name: 'describeService', arg: { cluster, service } });
    this.counter.record('ecs', 'DescribeServices');
    return Promise.resolve(this.services.get(`${cluster}/${service}`));
  }
  runOneOffTask(input: OneOffTaskInput): Promise<{ taskArn: string } | { failure: string }> {
    this.calls.push({ name: 'runOneOffTask', arg: input });
    this.counter.record('ecs', 'RunTask');
    if (this.runFailure !== undefined) return Promise.resolve({ failure: this.runFailure });
    const taskArn = `arn:aws:ecs:eu-west-1:111122223333:task/${input.cluster}/task${String(this.tasks.size + 1)}`;
    this.tasks.set(taskArn, { input, polls: 0 });
    return Promise.resolve({ taskArn });
  }
  describeTask(cluster: string, taskArn: string): Promise<TaskInfo | undefined> {
    this.calls.push({ name: 'describeTask', arg: { cluster, taskArn } });
    this.counter.record('ecs', 'DescribeTasks');
    const task = this.tasks.get(taskArn);
    if (!task) return Promise.resolve(undefined);
    task.polls++;
    const stopped = task.polls >= this.pollsUntilStopped;
    return Promise.resolve({
      taskArn,
      lastStatus: stopped ? 'STOPPED' : task.polls === 1 ? 'PROVISIONING' : 'RUNNING',
      stopCode: stopped ? 'EssentialContainerExited' : undefined,
      stoppedReason: stopped ? this.stoppedReason : undefined,
      containers: [{ name: task.input.containerName, exitCode: stopped ? this.exitCode : undefined }],
    });
  }
}
