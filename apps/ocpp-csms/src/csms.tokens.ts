export const CSMS_CONFIG = Symbol('CSMS_CONFIG');
