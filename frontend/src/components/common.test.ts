import { describe, expect, it } from 'vitest';
import { actorLabel } from '../components/common';
describe('actorLabel', () => {
  it('shows the readable part of an audit actor', () => {
    expect(actorLabel('user:01a2 hr@demo.creditloop.test')).toBe('hr@demo.creditloop.test');
    expect(actorLabel('apikey:k1 SAP 人事同步')).toBe('SAP 人事同步');
    expect(actorLabel('system')).toBe('system');
    expect(actorLabel(null)).toBe('—');
  });
});
