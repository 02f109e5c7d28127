import { DEVICE_COMMANDS, DeviceCommandName } from '@lib/contracts';

export interface ParsedCommand {
  command: DeviceCommandName;
  parameters: Record<string, unknown>;
  commandId: string | null;
}

export type ParseResult =
  | { ok: true; value: ParsedCommand }
  | { ok: false; reason: string; error: string; commandId: string | null; command: string | null };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a command from raw MQTT bytes, trusting nothing: size, JSON, shape and types are checked
 * and every refusal says why (the reason is also the metric label).
 */
export function parseCommandPayload(payload: Buffer, maxBytes: number): ParseResult {
  const refuse = (
    reason: string,
    error: string,
    commandId: string | null = null,
    command: string | null = null,
  ): ParseResult => ({
    ok: false,
    reason,
    error,
    commandId,
    command,
  });
  if (payload.length > maxBytes) return refuse('too_large', `payload of ${payload.length} bytes exceeds ${maxBytes}`);
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return refuse('not_json', 'payload is not valid JSON');
  }
  if (!isObject(body)) return refuse('not_object', 'payload must be a JSON object');
  const commandId = typeof body.command_id === 'string' && body.command_id.length <= 128 ? body.command_id : null;
  if (body.command_id !== undefined && commandId === null) {
    return refuse('bad_command_id', 'command_id must be a string of at most 128 characters');
  }
  if (typeof body.command !== 'string') return refuse('missing_command', 'command must be a string', commandId);
  if (!(DEVICE_COMMANDS as readonly string[]).includes(body.command)) {
    return refuse(
      'unknown_command',
      `unknown command "${body.command.slice(0, 64)}"; one of: ${DEVICE_COMMANDS.join(', ')}`,
      commandId,
      body.command.slice(0, 64),
    );
  }
  if (body.parameters !== undefined && !isObject(body.parameters)) {
    return refuse('bad_parameters', 'parameters must be a JSON object', commandId, body.command);
  }
  return {
    ok: true,
    value: {
      command: body.command as DeviceCommandName,
      parameters: body.parameters ?? {},
      commandId,
    },
  };
}
