import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWith } from '../test/utils';
import CsvImport from './CsvImport';
import { setCsrfToken } from '../api/client';

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('CSV import', () => {
  it('shows per-row errors, then a preview with totals, then commits once with an idempotency key', async () => {
    setCsrfToken('csrf-1');
    const calls: Array<{ url: string; init?: RequestInit }> = [];
    let upload = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        calls.push({ url, init });
        if (url === '/api/imports/employees') {
          upload++;
          return upload === 1
            ? json({ id: 'imp1', kind: 'employees', status: 'UPLOADED', rows: 2, errors: [{ row: 3, column: 'phone', message: 'phone must have 11 digits' }], totals: { rows: 2 } })
            : json({ id: 'imp2', kind: 'employees', status: 'UPLOADED', rows: 1, errors: [], totals: { rows: 1, new: 1, updated: 0, deactivated: 0, skipped: 0, amount: '1234.50' } });
        }
        if (url === '/api/imports/imp2/commit') return json({ id: 'imp2', status: 'COMMITTED', rows: 1, new: 1, updated: 0, deactivated: 0, skipped: 0 });
        return json({}, 404);
      }),
    );
    const { container } = renderWith(<CsvImport kind="employees" header="email,name" />);
    const input = () => container.querySelector('input[type=file]') as HTMLInputElement;
    const file = new File(['email,name\n'], 'roster.csv', { type: 'text/csv' });

    await userEvent.upload(input(), file);
    expect(await screen.findByText('phone must have 11 digits')).toBeInTheDocument();
    expect(screen.getByText('发现 1 处错误，请修正文件后重新上传')).toBeInTheDocument();
    expect(screen.getByText('手机号 (phone)')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: '重新上传' }));
    await userEvent.upload(input(), file);
    expect(await screen.findByText('全部 1 行校验通过')).toBeInTheDocument();
    expect(screen.getByText('¥1,234.50')).toBeInTheDocument();
    expect(screen.getByText('新增')).toBeInTheDocument();

    fireEvent.click(screen.getByTestId('import-commit'));
    expect(await screen.findByText('导入完成')).toBeInTheDocument();
    expect(screen.queryByText('COMMITTED')).not.toBeInTheDocument();
    expect(screen.getByText('停用')).toBeInTheDocument();

    const uploadCall = calls[0];
    expect(uploadCall.init?.method).toBe('POST');
    expect(uploadCall.init?.body).toBeInstanceOf(FormData);
    expect((uploadCall.init?.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-1');
    const commit = calls.find((c) => c.url.endsWith('/commit'))!;
    await waitFor(() => expect((commit.init?.headers as Record<string, string>)['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/));
  });

  it('shows the server error (GraphQL error shape) and downloads the template', async () => {
    setCsrfToken('csrf-2');
    const urls: string[] = [];
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:x'), revokeObjectURL: vi.fn() }));
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        urls.push(url);
        if (url === '/api/imports/templates/employees') {
          return new Response('\uFEFFemployee_no,name,email\r\n', { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="creditloop-employees-template.csv"' } });
        }
        return json({ errors: [{ message: 'the file has a header but no data rows', extensions: { code: 'VALIDATION', field: 'file' } }] }, 422);
      }),
    );
    const { container } = renderWith(<CsvImport kind="employees" header="employee_no,name,email" />);
    await userEvent.click(screen.getByTestId('import-template'));
    await waitFor(() => expect(urls).toContain('/api/imports/templates/employees'));
    await userEvent.upload(container.querySelector('input[type=file]') as HTMLInputElement, new File(['x'], 'r.csv', { type: 'text/csv' }));
    expect(await screen.findByText(/the file has a header but no data rows/)).toBeInTheDocument();
  });

  it('says so when the server has no import endpoint yet', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('', { status: 405 })));
    const { container } = renderWith(<CsvImport kind="employees" header="email,name" />);
    await userEvent.upload(container.querySelector('input[type=file]') as HTMLInputElement, new File(['x'], 'r.csv', { type: 'text/csv' }));
    expect(await screen.findByText('服务器暂未提供此功能')).toBeInTheDocument();
  });
});
