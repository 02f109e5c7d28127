import type { AedesOptions } from 'aedes';

export type BrokerAction = 'publish' | 'subscribe';

export interface BrokerRights {
  publish: string[];
  subscribe: string[];
}

export type BrokerAcl = Record<string, BrokerRights>;

/** Per broker user, the topic patterns it may publish and subscribe. */
export const BROKER_ACL: BrokerAcl;
/** The broker users of the five apps (one each). */
export const APP_BROKER_USERS: readonly string[];
export const SITE_LIMIT: string;
export function patternCovers(pattern: string, topicOrFilter: string): boolean;
export function isAllowed(
  user: string | null | undefined,
  action: BrokerAction,
  topicOrFilter: string,
  acl?: BrokerAcl,
): boolean;
export function renderMosquittoAcl(acl?: BrokerAcl): string;
export function generateBrokerPasswords(acl?: BrokerAcl): Record<string, string>;

/** The handlers aedes calls (authenticate, authorizePublish, authorizeSubscribe), with its own types. */
export type AedesAclHandlers = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>>;
export function aedesAclHandlers(passwords: Record<string, string>, acl?: BrokerAcl): AedesAclHandlers;
