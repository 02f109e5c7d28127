import { NotFoundException } from '@nestjs/common';

/** A unit number beyond the configured count is a 404 that names the setting. */
export function assertConfigured(what: string, unit: number, count: number, variable: string): void {
  if (unit > count) throw new NotFoundException(`${what} ${unit} is not configured (${variable}=${count})`);
}
