/**
 * Turns the SDK's assignment shapes (`{voucher: code}`, `{campaign: name}`) into object ids.
 * Implemented by the vouchers module, which owns those tables; this module only depends on the
 * interface. The implementing module provides RELATED_OBJECT_RESOLVER and must make it visible
 * to ValidationsModule (export it from a @Global() module). Without one, SDK-shaped
 * assignments are refused with a 400 that names the spec shape to use instead.
 */
export interface RelatedObjectResolver {
  /** The voucher's `v_` id for a code or an id in this project; null when there is none. */
  resolveVoucher(projectId: string, codeOrId: string): Promise<string | null>;
  /** The campaign's `camp_` id for a name or an id in this project; null when there is none. */
  resolveCampaign(projectId: string, nameOrId: string): Promise<string | null>;
}

export const RELATED_OBJECT_RESOLVER = Symbol('RELATED_OBJECT_RESOLVER');
