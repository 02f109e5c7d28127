import { DEFAULT_DECODE_OPTIONS } from '@lib/messaging';
import { parseCommandPayload } from './command-payload';

const parse = (text: string, maxBytes = 1024) =>
  parseCommandPayload('energy/devices/mock-server-001/commands', Buffer.from(text), {
    ...DEFAULT_DECODE_OPTIONS,
    maxBytes,
  });

describe('command payloads from MQTT', () => {
  it('reads a valid command with parameters and id', () => {
    expect(parse('{"command":"set_power","parameters":{"power":30},"command_id":"c-1"}')).toEqual({
      ok: true,
      value: { command: 'set_power', parameters: { power: 30 }, commandId: 'c-1' },
    });
  });

  it.each([
    ['not JSON', 'set_power 30', 'not_json'],
    ['an array', '[{"command":"turn_on"}]', 'not_object'],
    ['a bare number', '42', 'not_object'],
    ['null', 'null', 'not_object'],
    ["Nest's envelope", '{"pattern":"x","data":{"command":"turn_on"},"id":"1"}', 'missing_command'],
    ['a command of the wrong type', '{"command":7}', 'missing_command'],
    ['an unknown command', '{"command":"self_destruct"}', 'unknown_command'],
    ['parameters that are not an object', '{"command":"set_power","parameters":[30]}', 'bad_parameters'],
    ['a command_id that is not a string', '{"command":"turn_on","command_id":{"a":1}}', 'bad_command_id'],
    ['a key the contract does not have', '{"command":"turn_on","sudo":true}', 'unknown_field'],
  ])('refuses %s (%s) as %s', (_case, text, reason) => {
    const result = parse(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe(reason);
  });

  it('refuses a payload over the size limit before parsing it', () => {
    const result = parse(`{"command":"turn_on","pad":"${'x'.repeat(2000)}"}`, 1024);
    expect(result).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('keeps the command_id of a refused command so the ack can carry it', () => {
    expect(parse('{"command":"fly","command_id":"c-9"}')).toMatchObject({
      ok: false,
      commandId: 'c-9',
      command: 'fly',
    });
  });
});
