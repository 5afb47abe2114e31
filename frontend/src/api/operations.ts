/**
 * Every GraphQL operation the web app sends, typed by @graphql-codegen (npm run codegen)
 * against the schema chosen in codegen.ts (the server's schema.graphql). An operation a running
 * server does not know yet fails with a validation error, shown as "not available yet".
 */
import { graphql } from '../gql';

// ---------- session ----------
export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      csrfToken
      permissions
      user { id email name roles status phone department employeeNo locale }
      apiKey { id name }
      tenant { id name slug timezone }
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) { csrfToken expiresAt user { id name } }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout { logout }
`);

export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($current: String!, $new: String!) { changePassword(current: $current, new: $new) }
`);

export const AcceptInvitationMutation = graphql(`
  mutation AcceptInvitation($token: String!, $password: String!) {
    acceptInvitation(token: $token, password: $password) { csrfToken expiresAt user { id name } }
  }
`);

// ---------- tenant ----------
export const TenantBalancesQuery = graphql(`
  query TenantBalances {
    tenant { id balances { funding pool granted payout } }
  }
`);

export const PolicyQuery = graphql(`
  query Policy {
    tenant {
      id
      policy {
        topupDailyLimit topupMonthlyLimit topupSingleMax tenantDailyCap
        purchaseApprovalThreshold recycleReviewThreshold cashoutReviewThreshold velocityMaxTopups velocityWindowMinutes
        recycleRate recycleFee settlementDelayDays cashoutEnabled cashoutRate lowPoolThreshold
      }
    }
  }
`);

export const UpdatePolicyMutation = graphql(`
  mutation UpdatePolicy($input: PolicyInput!) {
    updatePolicy(input: $input) {
      topupDailyLimit topupMonthlyLimit topupSingleMax tenantDailyCap
      purchaseApprovalThreshold recycleReviewThreshold cashoutReviewThreshold velocityMaxTopups velocityWindowMinutes
      recycleRate recycleFee settlementDelayDays cashoutEnabled cashoutRate lowPoolThreshold
    }
  }
`);

// ---------- users ----------
export const UsersQuery = graphql(`
  query Users($first: Int, $after: String, $filter: UserFilter) {
    users(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node {
          id email name roles status employeeNo phone department costCenter createdAt lastLoginAt
          wallet { accountId balance available nextExpiry }
        }
      }
    }
  }
`);

export const UserDetailQuery = graphql(`
  query UserDetail($id: ID!, $first: Int, $after: String) {
    user(id: $id) {
      id email name roles status employeeNo phone department costCenter locale createdAt lastLoginAt
      wallet {
        accountId balance available held nextExpiry nextExpiryAmount
        lots(includeEmpty: true) { id original remaining held expiresAt createdAt memo expired }
        entries(first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { cursor node { id template status memo amount createdAt createdBy batchId } }
        }
      }
    }
  }
`);

export const InviteUserMutation = graphql(`
  mutation InviteUser($input: InviteUserInput!) {
    inviteUser(input: $input) { id email name roles status }
  }
`);

export const UpdateUserMutation = graphql(`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) { id name phone department costCenter locale }
  }
`);

export const SetUserRolesMutation = graphql(`
  mutation SetUserRoles($id: ID!, $roles: [Role!]!) {
    setUserRoles(id: $id, roles: $roles) { id roles }
  }
`);

export const DeactivateUserMutation = graphql(`
  mutation DeactivateUser($id: ID!, $idempotencyKey: String!) {
    deactivateUser(id: $id, idempotencyKey: $idempotencyKey) { id status wallet { balance } }
  }
`);

// ---------- ledger ----------
export const EntriesQuery = graphql(`
  query Entries($first: Int, $after: String, $filter: EntryFilter) {
    entries(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node {
          id template status memo amount createdAt postedAt voidedAt createdBy batchId reversesId reversedById idempotencyKey
          postings { accountId accountKind accountName asset amount }
        }
      }
    }
  }
`);

export const AccountsQuery = graphql(`
  query Accounts($first: Int, $after: String, $kind: AccountKind) {
    accounts(first: $first, after: $after, kind: $kind) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id kind asset owner name posted pendingOut pendingIn available } }
    }
  }
`);

export const FundMutation = graphql(`
  mutation Fund($input: FundInput!) { fund(input: $input) { id amount status createdAt } }
`);

export const GrantMutation = graphql(`
  mutation Grant($input: GrantInput!) {
    grant(input: $input) { entry { id amount status } lot { id remaining expiresAt } }
  }
`);

export const GrantBatchMutation = graphql(`
  mutation GrantBatch($input: BatchGrantInput!) { grantBatch(input: $input) { batchId count total } }
`);

export const ReverseEntryMutation = graphql(`
  mutation ReverseEntry($id: ID!, $reason: String!, $idempotencyKey: String!) {
    reverseEntry(id: $id, reason: $reason, idempotencyKey: $idempotencyKey) { id status reversesId }
  }
`);

// ---------- audit & keys ----------
export const AuditLogQuery = graphql(`
  query AuditLog($first: Int, $after: String, $filter: AuditFilter) {
    auditLog(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id seq at actor action target outcome ip details hash } }
    }
  }
`);

export const VerifyQuery = graphql(`
  query Verify {
    verify { ok checkedAt entriesChecked accountsChecked auditEventsChecked violations { check detail } }
  }
`);

export const ApiKeysQuery = graphql(`
  query ApiKeys { apiKeys { id name prefix roles createdAt lastUsedAt revokedAt } }
`);

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($name: String!, $roles: [Role!]!) {
    createApiKey(name: $name, roles: $roles) { secret apiKey { id name prefix roles createdAt } }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }
`);

export const OperatorOfQuery = graphql(`
  query OperatorOf($phone: String!) { operatorOf(phone: $phone) { operator operatorNameZh operatorNameEn phone } }
`);

// ---------- employee portal ----------
export const MyWalletQuery = graphql(`
  query MyWallet($first: Int, $after: String) {
    myWallet {
      accountId balance available held nextExpiry nextExpiryAmount
      lots { id original remaining held expiresAt createdAt memo expired }
      entries(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { id template status memo amount createdAt } }
      }
    }
  }
`);

// ---------- lifecycle: purchases, top-ups, schedules, recycling, reviews, disputes, cash-outs ----------
export const PurchaseOrdersQuery = graphql(`
  query PurchaseOrders($first: Int, $status: PurchaseStatus) {
    purchaseOrders(first: $first, status: $status) {
      id faceValue price supplier status reason createdAt decidedAt
      requestedBy { id name } decidedBy { id name } entry { id }
    }
  }
`);

export const RequestPurchaseMutation = graphql(`
  mutation RequestPurchase($faceValue: Money!, $price: Money!, $supplier: String!, $idempotencyKey: String!) {
    requestPurchase(faceValue: $faceValue, price: $price, supplier: $supplier, idempotencyKey: $idempotencyKey) { id status }
  }
`);

export const ApprovePurchaseMutation = graphql(`
  mutation ApprovePurchase($id: ID!, $idempotencyKey: String!) {
    approvePurchase(id: $id, idempotencyKey: $idempotencyKey) { id status decidedAt }
  }
`);

export const RejectPurchaseMutation = graphql(`
  mutation RejectPurchase($id: ID!, $reason: String!) { rejectPurchase(id: $id, reason: $reason) { id status reason } }
`);

export const MyTopupsQuery = graphql(`
  query MyTopups($first: Int) {
    myTopups(first: $first) { id phone operator amount status reviewReason failureReason createdAt completedAt }
  }
`);

export const RequestTopupCodeMutation = graphql(`
  mutation RequestTopupCode($phone: String!) { requestTopupCode(phone: $phone) }
`);

export const TopupMutation = graphql(`
  mutation Topup($phone: String!, $amount: Money!, $code: String, $idempotencyKey: String!) {
    topup(phone: $phone, amount: $amount, code: $code, idempotencyKey: $idempotencyKey) {
      id phone operator amount status reviewReason failureReason createdAt
    }
  }
`);

export const SchedulesQuery = graphql(`
  query Schedules {
    schedules {
      id name amount frequency dayOfMonth dayOfWeek target department employeeIds
      expiryDays expireAtPeriodEnd paused nextRunAt lastError
      runs { id period startedAt finishedAt count total status error }
    }
  }
`);

export const CreateScheduleMutation = graphql(`
  mutation CreateSchedule($input: ScheduleInput!) { createSchedule(input: $input) { id name } }
`);

export const SetSchedulePausedMutation = graphql(`
  mutation SetSchedulePaused($id: ID!, $paused: Boolean!) { setSchedulePaused(id: $id, paused: $paused) { id paused nextRunAt } }
`);

export const RunExpirySweepMutation = graphql(`
  mutation RunExpirySweep { runExpirySweep { lots total } }
`);

export const RecyclesQuery = graphql(`
  query Recycles($status: RecycleStatus, $first: Int) {
    recycles(status: $status, first: $first) {
      id faceValue rate gross fee net status requestedBy reason settleAfter settledAt createdAt decidedAt
      decidedBy { id name }
      voucher { number issuedAt }
    }
  }
`);

export const QuoteRecycleMutation = graphql(`
  mutation QuoteRecycle($faceValue: Money!) {
    quoteRecycle(faceValue: $faceValue) { id faceValue rate gross fee net settlementDelayDays expiresAt }
  }
`);

export const ConfirmRecycleMutation = graphql(`
  mutation ConfirmRecycle($quoteId: ID!, $idempotencyKey: String!) {
    confirmRecycle(quoteId: $quoteId, idempotencyKey: $idempotencyKey) { id status net settleAfter }
  }
`);

export const ApproveRecycleMutation = graphql(`
  mutation ApproveRecycle($id: ID!) { approveRecycle(id: $id) { id status settleAfter } }
`);

export const RejectRecycleMutation = graphql(`
  mutation RejectRecycle($id: ID!, $reason: String!) { rejectRecycle(id: $id, reason: $reason) { id status reason } }
`);

export const CancelRecycleMutation = graphql(`
  mutation CancelRecycle($id: ID!, $reason: String!) { cancelRecycle(id: $id, reason: $reason) { id status reason } }
`);

export const VoucherQuery = graphql(`
  query Voucher($number: String!) { voucher(number: $number) { number hash issuedAt content verified recycleId } }
`);

/** Top-ups held for review (velocity, shared numbers). */
export const ReviewQueueQuery = graphql(`
  query ReviewQueue {
    reviewQueue { id phone operator amount status reviewReason createdAt user { id name employeeNo } }
  }
`);

export const ApproveTopupMutation = graphql(`
  mutation ApproveTopup($id: ID!) { approveTopup(id: $id) { id status } }
`);

export const RejectTopupMutation = graphql(`
  mutation RejectTopup($id: ID!, $reason: String!) { rejectTopup(id: $id, reason: $reason) { id status } }
`);

export const ReconciliationQuery = graphql(`
  query Reconciliation { reconciliation { topupId ledger carrier } }
`);

export const DisputesQuery = graphql(`
  query Disputes($status: String) {
    disputes(status: $status) {
      id reason status resolution createdAt resolvedAt
      topup { id phone operator amount createdAt status user { id name } }
    }
  }
`);

export const OpenDisputeMutation = graphql(`
  mutation OpenDispute($topupId: ID!, $reason: String!) { openDispute(topupId: $topupId, reason: $reason) { id status } }
`);

export const ResolveDisputeMutation = graphql(`
  mutation ResolveDispute($id: ID!, $refund: Boolean!, $resolution: String!, $idempotencyKey: String!) {
    resolveDispute(id: $id, refund: $refund, resolution: $resolution, idempotencyKey: $idempotencyKey) { id status resolution }
  }
`);

export const CashoutsQuery = graphql(`
  query Cashouts($status: CashoutStatus, $first: Int) {
    cashouts(status: $status, first: $first) {
      id credit rate cash status reason createdAt decidedAt paidAt employee { id name employeeNo }
    }
  }
`);

export const MyCashoutsQuery = graphql(`
  query MyCashouts($first: Int) { myCashouts(first: $first) { id credit rate cash status reason createdAt paidAt } }
`);

export const CashoutMutation = graphql(`
  mutation Cashout($amount: Money!, $idempotencyKey: String!) {
    cashout(amount: $amount, idempotencyKey: $idempotencyKey) { id credit rate cash status }
  }
`);

export const ApproveCashoutMutation = graphql(`
  mutation ApproveCashout($id: ID!) { approveCashout(id: $id) { id status } }
`);

export const RejectCashoutMutation = graphql(`
  mutation RejectCashout($id: ID!, $reason: String!) { rejectCashout(id: $id, reason: $reason) { id status reason } }
`);

export const MarkCashoutPaidMutation = graphql(`
  mutation MarkCashoutPaid($id: ID!, $idempotencyKey: String!) { markCashoutPaid(id: $id, idempotencyKey: $idempotencyKey) { id status paidAt } }
`);

/** HR tops up an employee's phone on their behalf (topups.create_for). */
export const TopupForMutation = graphql(`
  mutation TopupFor($employeeId: ID!, $phone: String, $amount: Money!, $idempotencyKey: String!) {
    topupFor(employeeId: $employeeId, phone: $phone, amount: $amount, idempotencyKey: $idempotencyKey) {
      id phone operator amount status reviewReason failureReason createdAt
    }
  }
`);

// ---- webhooks (webhooks.manage) -------------------------------------------------------

export const WebhookEndpointsQuery = graphql(`
  query WebhookEndpoints {
    webhookEndpoints { id url events description active createdAt updatedAt }
    webhookEvents
  }
`);

export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($endpointId: ID, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
    webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id endpointId event payload status attempts nextAttemptAt lastStatusCode lastError createdAt deliveredAt } }
    }
  }
`);

/** The answer carries the signing secret, shown once. */
export const CreateWebhookEndpointMutation = graphql(`
  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) { secret endpoint { id url events description active createdAt updatedAt } }
  }
`);

export const UpdateWebhookEndpointMutation = graphql(`
  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(id: $id, input: $input) { id url events description active updatedAt }
  }
`);

export const DeleteWebhookEndpointMutation = graphql(`
  mutation DeleteWebhookEndpoint($id: ID!) { deleteWebhookEndpoint(id: $id) }
`);

export const ReplayWebhookDeliveryMutation = graphql(`
  mutation ReplayWebhookDelivery($id: ID!) { replayWebhookDelivery(id: $id) { id status attempts lastStatusCode lastError deliveredAt } }
`);

export const SendTestWebhookMutation = graphql(`
  mutation SendTestWebhook($endpointId: ID!) { sendTestWebhook(endpointId: $endpointId) { id event status attempts createdAt } }
`);

// ---- notification mail (notifications.own) --------------------------------------------

export const MyNotificationSettingsQuery = graphql(`
  query MyNotificationSettings { myNotificationSettings { kind description enabled mandatory } }
`);

export const UpdateMyNotificationSettingsMutation = graphql(`
  mutation UpdateMyNotificationSettings($settings: [NotificationSettingInput!]!) {
    updateMyNotificationSettings(settings: $settings) { kind description enabled mandatory }
  }
`);
