import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describeValidationErrors, VALIDATION_OPTIONS } from '../../common/validation';
import { CreateModelDto, MODEL_NAME_RULE, RESERVED_MODEL_NAMES } from './model.dto';

/** The messages the API's ValidationPipe would answer 400 with; [] when valid. */
function messagesOf(body: object): string[] {
  return describeValidationErrors(validateSync(plainToInstance(CreateModelDto, body), VALIDATION_OPTIONS));
}

describe('CreateModelDto', () => {
  it('accepts a name of the pattern', () => {
    for (const name of ['iris', 'iris-classifier', 'a', 'stats-model', 'statistics', 'my.stats', 'constructor']) {
      expect(messagesOf({ name }), name).toEqual([]);
    }
  });

  it('refuses a name outside the pattern with the rule', () => {
    for (const name of ['Upper', 'has space', '../etc', '-leading', 'a'.repeat(64), '']) {
      expect(messagesOf({ name }), name).toEqual([MODEL_NAME_RULE]);
    }
  });

  it('refuses "stats", which GET /v2/models/stats takes, saying why and what to do instead', () => {
    const messages = messagesOf({ name: 'stats' });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toBe(
      'name "stats" is reserved: GET /v2/models/stats is the Open Inference Protocol\'s statistics route for all models, ' +
        'where this model\'s metadata would be; choose another name (e.g. "stats-model")',
    );
    expect([...RESERVED_MODEL_NAMES.keys()]).toEqual(['stats']);
  });
});
