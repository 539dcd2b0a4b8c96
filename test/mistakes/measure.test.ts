import { Classified, Outcome, classify } from './measure';
import { PROGRAMS } from './programs';
import { YAMLS } from './yaml';

/**
 * Issue 37's measure: of realistic mistakes, at least 95% refused clearly or warned about by name, none crashed,
 * none writing part of the output. The ratchet: quiet may only fall, crashed stays 0.
 */
const QUIET_AT_MOST = 1;
const UNCLEAR_AT_MOST = 0;

const MISTAKES = [...PROGRAMS, ...YAMLS];

describe('the measure: realistic mistakes, refused clearly or warned about by name (issue 37)', () => {
  const results: Classified[] = MISTAKES.map(classify);
  const count = (o: Outcome) => results.filter(r => r.outcome === o).length;

  test('the corpus has at least 60 mistakes with unique names, across Istio sidecar and ambient, the Gateway API and Linkerd', () => {
    expect(MISTAKES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(MISTAKES.map(m => m.id)).size).toBe(MISTAKES.length);
    expect([...new Set(MISTAKES.map(m => m.area))].sort()).toStrictEqual(['app', 'gateway-api', 'istio-ambient', 'istio-sidecar', 'linkerd']);
  });

  test('none crashes, none writes part of its output, and quiet and unclear may only fall', () => {
    const line = `${count('refused clearly')} refused clearly, ${count('warned by name')} warned by name, ${count('quiet')} quiet, `
      + `${count('crashed')} crashed of ${results.length} (${count('refused unclearly')} refused unclearly)`;
    const notAnswered = results.filter(r => r.outcome === 'quiet' || r.outcome === 'refused unclearly' || r.outcome === 'crashed')
      .map(r => `  ${r.outcome}: ${r.mistake.id}${r.mistake.quietList ? ' (issue 37 quiet list)' : ''} — ${r.said.split('\n')[0].slice(0, 200)}`);
    // eslint-disable-next-line no-console
    console.log(`mistakes: ${line}\n${notAnswered.join('\n')}`);
    expect(results.filter(r => r.outcome === 'crashed').map(r => `${r.mistake.id}: ${r.said}`)).toStrictEqual([]);
    expect(results.filter(r => r.partialWrite).map(r => r.mistake.id)).toStrictEqual([]);
    expect(count('quiet')).toBeLessThanOrEqual(QUIET_AT_MOST);
    expect(count('refused unclearly')).toBeLessThanOrEqual(UNCLEAR_AT_MOST);
    // the goal
    expect((count('refused clearly') + count('warned by name')) / results.length).toBeGreaterThanOrEqual(0.95);
  });
});
