import { formatLabels, parseLabels, sameLabels } from './labels';

describe('labels as key=value lines', () => {
  it('reads what it writes, skipping blank lines and the spaces around keys and values', () => {
    const labels = { team: 'botany', 'app.kubernetes.io/name': 'iris', empty: '' };
    expect(parseLabels(formatLabels(labels))).toEqual({ labels });
    expect(parseLabels(' team = botany \n\n owner=a=b \n')).toEqual({ labels: { team: 'botany', owner: 'a=b' } });
    expect(parseLabels('')).toEqual({ labels: {} });
  });
  it('names the first line that is not key=value, and a key given twice', () => {
    expect(parseLabels('team=botany\nbotany')).toEqual({ problem: 'line 2 of the labels is "botany": write each label as key=value, e.g. team=botany' });
    expect(parseLabels('=botany')).toEqual({ problem: 'line 1 of the labels is "=botany": write each label as key=value, e.g. team=botany' });
    expect(parseLabels('team=a\nteam=b')).toEqual({ problem: 'line 2 of the labels gives "team" again: give each key once' });
  });
  it('compares label maps whatever their order', () => {
    expect(sameLabels({ a: '1', b: '2' }, { b: '2', a: '1' })).toBe(true);
    expect(sameLabels({ a: '1' }, { a: '2' })).toBe(false);
    expect(sameLabels({ a: '1' }, { a: '1', b: '2' })).toBe(false);
  });
});
