export const SOLARHUB_CONFIG = Symbol('SOLARHUB_CONFIG');
