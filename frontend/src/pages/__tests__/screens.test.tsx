import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockRequester, renderWith, viewerFor } from '../../test/utils';
import { ApiError } from '../../api/errors';
import SignIn from '../auth/SignIn';
import Topup from '../portal/Topup';
import EmployeeList from '../employees/EmployeeList';
import { Providers } from '../../App';
import { MemoryRouter } from 'react-router-dom';
import { render } from '@testing-library/react';
import { StaticSession } from '../../auth/session';

const policy = {
  topupDailyLimit: '200.00', topupMonthlyLimit: '500.00', topupSingleMax: '200.00', tenantDailyCap: '20000.00', purchaseApprovalThreshold: '5000.00',
  recycleReviewThreshold: '2000.00', velocityMaxTopups: 5, velocityWindowMinutes: 60, recycleRate: '0.9200', recycleFee: '5.00', settlementDelayDays: 1, cashoutEnabled: true, cashoutRate: '0.9000',
};
const wallet = { accountId: 'a', balance: '150.00', available: '150.00', held: '0.00', nextExpiry: null, nextExpiryAmount: null, lots: [], entries: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } };

describe('sign-in', () => {
  it('validates the form and shows a translated error code, not the server text', async () => {
    const signIn = async () => {
      throw new ApiError('UNAUTHENTICATED', { message: 'bad password for x' });
    };
    render(
      <Providers>
        <MemoryRouter>
          <StaticSession value={{ viewer: null, signIn }}>
            <SignIn />
          </StaticSession>
        </MemoryRouter>
      </Providers>,
    );
    await userEvent.click(screen.getByRole('button', { name: '登录' }));
    expect(await screen.findAllByText('此项为必填')).toHaveLength(2);
    await userEvent.type(screen.getByLabelText('工作邮箱'), 'hr@demo.creditloop.test');
    await userEvent.type(screen.getByLabelText('密码'), 'wrong');
    await userEvent.click(screen.getByRole('button', { name: '登录' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('登录已失效，请重新登录');
    expect(screen.queryByText(/bad password/)).toBeNull();
  });
});

describe('employee top-up', () => {
  it('shows the operator and limits, validates, and reuses the idempotency key on retry', async () => {
    let attempts = 0;
    const { requester, calls } = mockRequester({
      OperatorOf: (v) => ({ operatorOf: { operator: 'CHINA_MOBILE', phone: v.phone } }),
      MyWallet: () => ({ myWallet: wallet }),
      Policy: () => ({ tenant: { id: 't1', policy } }),
      Topup: (v) => {
        attempts++;
        if (attempts === 1) throw new ApiError('INTERNAL');
        return { topup: { id: 'tp1', phone: v.phone, operator: 'CHINA_MOBILE', amount: v.amount, status: 'PENDING', failureReason: null, createdAt: '2026-11-24T10:00:00Z' } };
      },
    });
    renderWith(<Topup />, { requester, viewer: viewerFor(['EMPLOYEE']) });
    expect(await screen.findByText('中国移动')).toBeInTheDocument();
    expect(await screen.findByText('单笔最多 ¥200.00')).toBeInTheDocument();
    expect(screen.getByText('当前可用额度 ¥150.00')).toBeInTheDocument();

    const amount = screen.getByLabelText('充值金额');
    await userEvent.type(amount, '12.345');
    await userEvent.click(screen.getByRole('button', { name: '确认充值' }));
    expect(await screen.findByText('请输入大于 0 的金额，最多两位小数')).toBeInTheDocument();
    await userEvent.clear(amount);
    await userEvent.type(amount, '300');
    await userEvent.click(screen.getByRole('button', { name: '确认充值' }));
    expect(await screen.findByText('超出可用额度')).toBeInTheDocument();
    await userEvent.clear(amount);
    await userEvent.type(amount, '50');
    await userEvent.click(screen.getByRole('button', { name: '确认充值' }));

    const confirm = await screen.findByRole('button', { name: '确认' });
    await act(async () => {
      fireEvent.click(confirm);
    });
    await waitFor(() => expect(attempts).toBe(1));
    expect(await screen.findByText('服务器内部错误，请稍后重试')).toBeInTheDocument();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: '确认' }));
    });
    expect(await screen.findByText(/充值处理中，到账后会通知您/)).toBeInTheDocument();
    const sends = calls.filter((c) => c.op === 'Topup');
    expect(sends).toHaveLength(2);
    expect(sends[0].vars.idempotencyKey).toBe(sends[1].vars.idempotencyKey);
    expect(sends[1].vars).toMatchObject({ phone: '13800138000', amount: '50.00', code: null });
  });

  it('asks for an email code for another number', async () => {
    const { requester } = mockRequester({
      OperatorOf: (v) => ({ operatorOf: { operator: 'CHINA_TELECOM', phone: v.phone } }),
      MyWallet: () => ({ myWallet: wallet }),
      Policy: () => ({ tenant: { id: 't1', policy } }),
    });
    renderWith(<Topup />, { requester, viewer: viewerFor(['EMPLOYEE']) });
    const phone = screen.getByLabelText('充值号码');
    await userEvent.clear(phone);
    await userEvent.type(phone, '18912345678');
    expect(await screen.findByText('中国电信')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '发送验证码' })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('充值金额'), '20');
    await userEvent.click(screen.getByRole('button', { name: '确认充值' }));
    expect(await screen.findByText('请输入邮箱验证码')).toBeInTheDocument();
  });
});

describe('employee list', () => {
  const node = (i: number) => ({
    id: `u${i}`, email: `e${i}@demo.test`, name: `员工${i}`, roles: ['EMPLOYEE'], status: 'ACTIVE', employeeNo: `E${i}`, phone: null, department: '研发部', costCenter: null,
    createdAt: '2026-01-01T00:00:00Z', lastLoginAt: null, wallet: { accountId: `a${i}`, balance: '1234.50', available: '1234.50', nextExpiry: null },
  });
  it('lists employees with money formatted and passes the filter', async () => {
    const { requester, calls } = mockRequester({
      Users: () => ({ users: { totalCount: 2, pageInfo: { hasNextPage: false, endCursor: null }, edges: [node(1), node(2)].map((n, i) => ({ cursor: String(i), node: n })) } }),
    });
    renderWith(<EmployeeList />, { requester });
    expect(await screen.findByText('员工1')).toBeInTheDocument();
    expect(screen.getAllByText('¥1,234.50')).toHaveLength(2);
    expect(screen.getByText('共 2 条')).toBeInTheDocument();
    expect(calls[0].vars).toMatchObject({ first: 20, after: null, filter: { status: 'ACTIVE', role: 'EMPLOYEE', search: null } });
  });
  it('shows the empty state', async () => {
    const { requester } = mockRequester({ Users: () => ({ users: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } }) });
    const { container } = renderWith(<EmployeeList />, { requester });
    await waitFor(() => expect(container.querySelector('.ant-empty-description')).toHaveTextContent('暂无数据'));
  });
  it('shows the error state with a retry', async () => {
    const { requester } = mockRequester({
      Users: () => {
        throw new ApiError('FORBIDDEN');
      },
    });
    renderWith(<EmployeeList />, { requester });
    expect(await screen.findByText('您没有执行此操作的权限')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '重试' })).toBeInTheDocument();
  });
});
