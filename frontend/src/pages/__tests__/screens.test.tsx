import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockRequester, renderWith, viewerFor } from '../../test/utils';
import { ApiError } from '../../api/errors';
import SignIn from '../auth/SignIn';
import Topup from '../portal/Topup';
import EmployeeList from '../employees/EmployeeList';
import Webhooks from '../settings/Webhooks';
import Notifications from '../portal/Notifications';
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

describe('webhooks', () => {
  const endpoint = { id: 'w1', url: 'https://erp.example.com/hook', events: [], description: '金蝶', active: true, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' };
  const delivery = {
    id: 'd1', endpointId: 'w1', event: 'topup.failed', payload: '{}', status: 'FAILED', attempts: 10, nextAttemptAt: '2026-01-01T00:00:00Z',
    lastStatusCode: 503, lastError: 'HTTP 503', createdAt: '2026-01-01T00:00:00Z', deliveredAt: null,
  };
  it('lists endpoints and deliveries, creates one showing the secret once, replays a delivery', async () => {
    const { requester, calls } = mockRequester({
      WebhookEndpoints: () => ({ webhookEndpoints: [endpoint], webhookEvents: ['topup.succeeded', 'topup.failed'] }),
      WebhookDeliveries: () => ({ webhookDeliveries: { totalCount: 1, pageInfo: { hasNextPage: false, endCursor: null }, edges: [{ cursor: 'c', node: delivery }] } }),
      CreateWebhookEndpoint: (v) => ({ createWebhookEndpoint: { secret: 'whsec_once', endpoint: { ...endpoint, id: 'w2', url: (v.input as { url: string }).url } } }),
      ReplayWebhookDelivery: () => ({ replayWebhookDelivery: { ...delivery, status: 'DELIVERED' } }),
    });
    renderWith(<Webhooks />, { requester, roles: ['OWNER'] });
    expect((await screen.findAllByText('https://erp.example.com/hook')).length).toBeGreaterThan(0);
    expect(screen.getByText('全部事件')).toBeInTheDocument();
    expect(await screen.findByText('topup.failed')).toBeInTheDocument();
    expect(screen.getByText('503')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: '重新投递' }));
    await waitFor(() => expect(calls.some((c) => c.op === 'ReplayWebhookDelivery' && c.vars.id === 'd1')).toBe(true));

    await userEvent.click(screen.getByRole('button', { name: /添加 Webhook/ }));
    await userEvent.type(await screen.findByLabelText('接收地址'), 'https://new.example.com/h');
    await userEvent.click(screen.getByRole('button', { name: /提\s*交/ }));
    expect(await screen.findByText('whsec_once')).toBeInTheDocument();
    const create = calls.find((c) => c.op === 'CreateWebhookEndpoint')!;
    expect(create.vars.input).toMatchObject({ url: 'https://new.example.com/h', events: [], active: true });
  });
});

describe('notification settings', () => {
  it('switches an optional kind off and shows mandatory ones locked on', async () => {
    const settings = [
      { kind: 'topup_result', description: 'A top-up was delivered or failed.', enabled: true, mandatory: false },
      { kind: 'some_new_kind', description: 'Something new.', enabled: true, mandatory: false },
      { kind: 'review_needed', description: 'An item waits in the review queue (finance).', enabled: true, mandatory: false },
      { kind: 'one_time_code', description: 'One-time codes for top-ups.', enabled: true, mandatory: true },
    ];
    const { requester, calls } = mockRequester({
      MyNotificationSettings: () => ({ myNotificationSettings: settings }),
      UpdateMyNotificationSettings: () => ({ updateMyNotificationSettings: settings }),
    });
    renderWith(<Notifications />, { requester, roles: ['EMPLOYEE'] });
    const locked = await screen.findByRole('switch', { name: '充值验证码' });
    expect(locked).toBeDisabled();
    expect(locked).toBeChecked();
    expect(screen.getByText('Something new.')).toBeInTheDocument(); // unknown kinds show the server's description
    expect(screen.queryByText('复核队列有新事项（财务）')).not.toBeInTheDocument(); // finance mail is not for employees
    await userEvent.click(screen.getByRole('switch', { name: '充值结果' }));
    await waitFor(() => expect(calls.find((c) => c.op === 'UpdateMyNotificationSettings')?.vars).toEqual({ settings: [{ kind: 'topup_result', enabled: false }] }));
  });
});
