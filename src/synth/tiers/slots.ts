// CloudFormation cannot loop over a list parameter without a transform, so a root list that becomes one
// security-group rule per item is handed to the network stack as a fixed number of single-value
// parameters ("slots"); empty slots are conditioned away. The root pads the list so Fn::Select never
// runs past its end.
import { MAX_DATA_SOURCE_PORTS, MAX_INGRESS_CIDRS } from '../config.js';
import { join, onlyIf, ref, select, split, type IntrinsicFunction } from '../intrinsics.js';
import type { RootParameterName } from '../parameters.js';

export interface ListSlots {
  rootParameter: RootParameterName;
  /** Slot parameters are named prefix1..prefixN. */
  prefix: string;
  count: number;
}

export const INGRESS_CIDR_SLOTS: ListSlots = {
  rootParameter: 'AllowedIngressCidrs',
  prefix: 'IngressCidr',
  count: MAX_INGRESS_CIDRS,
};
export const DATA_SOURCE_PORT_SLOTS: ListSlots = {
  rootParameter: 'DataSourcePorts',
  prefix: 'DataSourcePort',
  count: MAX_DATA_SOURCE_PORTS,
};
const ALL_SLOTS = [INGRESS_CIDR_SLOTS, DATA_SOURCE_PORT_SLOTS];

export function slotNames(slots: ListSlots): string[] {
  return Array.from({ length: slots.count }, (_, index) => `${slots.prefix}${index + 1}`);
}

/** Name of the condition "slot N is filled". */
export const slotCondition = (slotName: string): string => `Has${slotName}`;

/** One security-group rule a filled data-source port slot, to or from `peer` (a CIDR). */
export function dataSourcePortRules(peer: string | IntrinsicFunction, description: string) {
  return slotNames(DATA_SOURCE_PORT_SLOTS).map((name) =>
    onlyIf(slotCondition(name), {
      IpProtocol: 'tcp',
      FromPort: ref(name),
      ToPort: ref(name),
      CidrIp: peer,
      Description: description,
    }),
  );
}

/** The root's value for a slot parameter, or undefined when the name is not a slot. */
export function slotSource(parameter: string): IntrinsicFunction | undefined {
  for (const slots of ALL_SLOTS) {
    const index = slotNames(slots).indexOf(parameter);
    if (index < 0) continue;
    const padded = split(
      ',',
      join(',', [join(',', ref(slots.rootParameter)), ...Array<string>(slots.count).fill('')]),
    );
    return select(index, padded);
  }
  return undefined;
}
