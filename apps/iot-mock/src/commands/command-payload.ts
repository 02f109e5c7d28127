import { DEVICE_COMMANDS, DeviceCommandName, TOPIC_REGISTRY } from '@lib/contracts';
import { DecodeOptions, decodeBusMessage } from '@lib/messaging';

export interface ParsedCommand {
  command: DeviceCommandName;
  parameters: Record<string, unknown>;
  commandId: string | null;
}

export type ParseResult =
  | { ok: true; value: ParsedCommand }
  | { ok: false; reason: string; error: string; commandId: string | null; command: string | null };

/** Which field's refusal names the reason (the metric label), most telling first. */
const FIELD_REASONS: [string, string][] = [
  ['command_id', 'bad_command_id'],
  ['command', 'missing_command'],
  ['parameters', 'bad_parameters'],
];

/** What a refused command's ack can echo: its id and name when they are short strings. */
function echo(payload: Buffer): { commandId: string | null; command: string | null } {
  try {
    const body = JSON.parse(payload.toString('utf8')) as { command_id?: unknown; command?: unknown } | null;
    const commandId = typeof body?.command_id === 'string' && body.command_id.length <= 128 ? body.command_id : null;
    const command = typeof body?.command === 'string' ? body.command.slice(0, 64) : null;
    return { commandId, command };
  } catch {
    return { commandId: null, command: null };
  }
}

/**
 * Reads a command from raw MQTT bytes through the bus contract (DeviceCommandMessage); every
 * refusal says why, and the reason is also the metric label.
 */
export function parseCommandPayload(topic: string, payload: Buffer, options: DecodeOptions): ParseResult {
  const decoded = decodeBusMessage(TOPIC_REGISTRY.deviceCommands, topic, payload, options);
  if (decoded.ok) {
    const { command, parameters, command_id } = decoded.value;
    return { ok: true, value: { command, parameters: parameters ?? {}, commandId: command_id ?? null } };
  }
  const { commandId, command } =
    payload.length <= options.maxBytes ? echo(payload) : { commandId: null, command: null };
  let reason: string = decoded.reason;
  let error = decoded.detail;
  if (decoded.reason === 'invalid') {
    const field = FIELD_REASONS.find(([name]) => decoded.fields.includes(name));
    reason = field?.[1] ?? 'unknown_field';
    if (reason === 'missing_command' && command !== null) {
      reason = 'unknown_command';
      error = `unknown command "${command}"; one of: ${DEVICE_COMMANDS.join(', ')}`;
    }
  }
  return { ok: false, reason, error, commandId, command };
}
