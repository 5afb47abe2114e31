import { describe, expect, it } from 'vitest';
import { buildDailySeries } from './series';
import { dayjs } from './time';

describe('buildDailySeries', () => {
  it('groups entries by tenant-local day and template, skipping voided ones', () => {
    const today = dayjs.utc('2026-11-24T20:00:00Z'); // 2026-11-25 04:00 in Shanghai
    const series = buildDailySeries(
      [
        { template: 'GRANT', status: 'POSTED', amount: '50.00', createdAt: '2026-11-24T17:00:00Z' }, // 11-25 local
        { template: 'GRANT', status: 'POSTED', amount: '0.10', createdAt: '2026-11-24T15:00:00Z' }, // 11-24 23:00 local
        { template: 'GRANT', status: 'POSTED', amount: '0.20', createdAt: '2026-11-24T10:00:00Z' },
        { template: 'TOPUP_HOLD', status: 'POSTED', amount: '30.00', createdAt: '2026-11-24T10:00:00Z' },
        { template: 'TOPUP_HOLD', status: 'VOIDED', amount: '99.00', createdAt: '2026-11-24T10:00:00Z' },
        { template: 'EXPIRE', status: 'POSTED', amount: '12.00', createdAt: '2026-11-23T10:00:00Z' },
        { template: 'RECLAIM', status: 'POSTED', amount: '-5.00', createdAt: '2026-11-23T10:00:00Z' },
        { template: 'FUND', status: 'POSTED', amount: '1000.00', createdAt: '2026-11-23T10:00:00Z' },
        { template: 'GRANT', status: 'POSTED', amount: '1.00', createdAt: '2026-10-01T10:00:00Z' }, // outside the window
      ],
      3,
      'Asia/Shanghai',
      today,
    );
    expect(series.map((d) => d.day)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25']);
    expect(series[2]).toMatchObject({ granted: 50, spent: 0 });
    expect(series[1]).toMatchObject({ granted: 0.3, spent: 30 });
    expect(series[0]).toMatchObject({ expired: 12, recycled: 5, granted: 0 });
  });
});
