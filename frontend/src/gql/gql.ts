/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Viewer {\n    viewer {\n      csrfToken\n      permissions\n      user { id email name roles status phone department employeeNo locale }\n      apiKey { id name }\n      tenant { id name slug timezone }\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { csrfToken expiresAt user { id name } }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout { logout }\n": typeof types.LogoutDocument,
    "\n  mutation ChangePassword($current: String!, $new: String!) { changePassword(current: $current, new: $new) }\n": typeof types.ChangePasswordDocument,
    "\n  mutation AcceptInvitation($token: String!, $password: String!) {\n    acceptInvitation(token: $token, password: $password) { csrfToken expiresAt user { id name } }\n  }\n": typeof types.AcceptInvitationDocument,
    "\n  query TenantBalances {\n    tenant { id balances { funding pool granted payout } }\n  }\n": typeof types.TenantBalancesDocument,
    "\n  query Policy {\n    tenant {\n      id\n      policy {\n        topupDailyLimit topupMonthlyLimit topupSingleMax tenantDailyCap\n        purchaseApprovalThreshold recycleReviewThreshold cashoutReviewThreshold velocityMaxTopups velocityWindowMinutes\n        recycleRate recycleFee settlementDelayDays cashoutEnabled cashoutRate lowPoolThreshold\n      }\n    }\n  }\n": typeof types.PolicyDocument,
    "\n  mutation UpdatePolicy($input: PolicyInput!) {\n    updatePolicy(input: $input) {\n      topupDailyLimit topupMonthlyLimit topupSingleMax tenantDailyCap\n      purchaseApprovalThreshold recycleReviewThreshold cashoutReviewThreshold velocityMaxTopups velocityWindowMinutes\n      recycleRate recycleFee settlementDelayDays cashoutEnabled cashoutRate lowPoolThreshold\n    }\n  }\n": typeof types.UpdatePolicyDocument,
    "\n  query Users($first: Int, $after: String, $filter: UserFilter) {\n    users(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        node {\n          id email name roles status employeeNo phone department costCenter createdAt lastLoginAt\n          wallet { accountId balance available nextExpiry }\n        }\n      }\n    }\n  }\n": typeof types.UsersDocument,
    "\n  query UserDetail($id: ID!, $first: Int, $after: String) {\n    user(id: $id) {\n      id email name roles status employeeNo phone department costCenter locale createdAt lastLoginAt\n      wallet {\n        accountId balance available held nextExpiry nextExpiryAmount\n        lots(includeEmpty: true) { id original remaining held expiresAt createdAt memo expired }\n        entries(first: $first, after: $after) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges { cursor node { id template status memo amount createdAt createdBy batchId } }\n        }\n      }\n    }\n  }\n": typeof types.UserDetailDocument,
    "\n  mutation InviteUser($input: InviteUserInput!) {\n    inviteUser(input: $input) { id email name roles status }\n  }\n": typeof types.InviteUserDocument,
    "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) { id name phone department costCenter locale }\n  }\n": typeof types.UpdateUserDocument,
    "\n  mutation SetUserRoles($id: ID!, $roles: [Role!]!) {\n    setUserRoles(id: $id, roles: $roles) { id roles }\n  }\n": typeof types.SetUserRolesDocument,
    "\n  mutation DeactivateUser($id: ID!, $idempotencyKey: String!) {\n    deactivateUser(id: $id, idempotencyKey: $idempotencyKey) { id status wallet { balance } }\n  }\n": typeof types.DeactivateUserDocument,
    "\n  query Entries($first: Int, $after: String, $filter: EntryFilter) {\n    entries(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        node {\n          id template status memo amount createdAt postedAt voidedAt createdBy batchId reversesId reversedById idempotencyKey\n          postings { accountId accountKind accountName asset amount }\n        }\n      }\n    }\n  }\n": typeof types.EntriesDocument,
    "\n  query Accounts($first: Int, $after: String, $kind: AccountKind) {\n    accounts(first: $first, after: $after, kind: $kind) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id kind asset owner name posted pendingOut pendingIn available } }\n    }\n  }\n": typeof types.AccountsDocument,
    "\n  mutation Fund($input: FundInput!) { fund(input: $input) { id amount status createdAt } }\n": typeof types.FundDocument,
    "\n  mutation Grant($input: GrantInput!) {\n    grant(input: $input) { entry { id amount status } lot { id remaining expiresAt } }\n  }\n": typeof types.GrantDocument,
    "\n  mutation GrantBatch($input: BatchGrantInput!) { grantBatch(input: $input) { batchId count total } }\n": typeof types.GrantBatchDocument,
    "\n  mutation ReverseEntry($id: ID!, $reason: String!, $idempotencyKey: String!) {\n    reverseEntry(id: $id, reason: $reason, idempotencyKey: $idempotencyKey) { id status reversesId }\n  }\n": typeof types.ReverseEntryDocument,
    "\n  query AuditLog($first: Int, $after: String, $filter: AuditFilter) {\n    auditLog(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id seq at actor action target outcome ip details hash } }\n    }\n  }\n": typeof types.AuditLogDocument,
    "\n  query Verify {\n    verify { ok checkedAt entriesChecked accountsChecked auditEventsChecked violations { check detail } }\n  }\n": typeof types.VerifyDocument,
    "\n  query ApiKeys { apiKeys { id name prefix roles createdAt lastUsedAt revokedAt } }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($name: String!, $roles: [Role!]!) {\n    createApiKey(name: $name, roles: $roles) { secret apiKey { id name prefix roles createdAt } }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }\n": typeof types.RevokeApiKeyDocument,
    "\n  query OperatorOf($phone: String!) { operatorOf(phone: $phone) { operator operatorNameZh operatorNameEn phone } }\n": typeof types.OperatorOfDocument,
    "\n  query MyWallet($first: Int, $after: String) {\n    myWallet {\n      accountId balance available held nextExpiry nextExpiryAmount\n      lots { id original remaining held expiresAt createdAt memo expired }\n      entries(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { cursor node { id template status memo amount createdAt } }\n      }\n    }\n  }\n": typeof types.MyWalletDocument,
    "\n  query PurchaseOrders($first: Int, $status: PurchaseStatus) {\n    purchaseOrders(first: $first, status: $status) {\n      id faceValue price supplier status reason createdAt decidedAt\n      requestedBy { id name } decidedBy { id name } entry { id }\n    }\n  }\n": typeof types.PurchaseOrdersDocument,
    "\n  mutation RequestPurchase($faceValue: Money!, $price: Money!, $supplier: String!, $idempotencyKey: String!) {\n    requestPurchase(faceValue: $faceValue, price: $price, supplier: $supplier, idempotencyKey: $idempotencyKey) { id status }\n  }\n": typeof types.RequestPurchaseDocument,
    "\n  mutation ApprovePurchase($id: ID!, $idempotencyKey: String!) {\n    approvePurchase(id: $id, idempotencyKey: $idempotencyKey) { id status decidedAt }\n  }\n": typeof types.ApprovePurchaseDocument,
    "\n  mutation RejectPurchase($id: ID!, $reason: String!) { rejectPurchase(id: $id, reason: $reason) { id status reason } }\n": typeof types.RejectPurchaseDocument,
    "\n  query MyTopups($first: Int) {\n    myTopups(first: $first) { id phone operator amount status reviewReason failureReason createdAt completedAt }\n  }\n": typeof types.MyTopupsDocument,
    "\n  mutation RequestTopupCode($phone: String!) { requestTopupCode(phone: $phone) }\n": typeof types.RequestTopupCodeDocument,
    "\n  mutation Topup($phone: String!, $amount: Money!, $code: String, $idempotencyKey: String!) {\n    topup(phone: $phone, amount: $amount, code: $code, idempotencyKey: $idempotencyKey) {\n      id phone operator amount status reviewReason failureReason createdAt\n    }\n  }\n": typeof types.TopupDocument,
    "\n  query Schedules {\n    schedules {\n      id name amount frequency dayOfMonth dayOfWeek target department employeeIds\n      expiryDays expireAtPeriodEnd paused nextRunAt lastError\n      runs { id period startedAt finishedAt count total status error }\n    }\n  }\n": typeof types.SchedulesDocument,
    "\n  mutation CreateSchedule($input: ScheduleInput!) { createSchedule(input: $input) { id name } }\n": typeof types.CreateScheduleDocument,
    "\n  mutation SetSchedulePaused($id: ID!, $paused: Boolean!) { setSchedulePaused(id: $id, paused: $paused) { id paused nextRunAt } }\n": typeof types.SetSchedulePausedDocument,
    "\n  mutation RunExpirySweep { runExpirySweep { lots total } }\n": typeof types.RunExpirySweepDocument,
    "\n  query Recycles($status: RecycleStatus, $first: Int) {\n    recycles(status: $status, first: $first) {\n      id faceValue rate gross fee net status requestedBy reason settleAfter settledAt createdAt decidedAt\n      decidedBy { id name }\n      voucher { number issuedAt }\n    }\n  }\n": typeof types.RecyclesDocument,
    "\n  mutation QuoteRecycle($faceValue: Money!) {\n    quoteRecycle(faceValue: $faceValue) { id faceValue rate gross fee net settlementDelayDays expiresAt }\n  }\n": typeof types.QuoteRecycleDocument,
    "\n  mutation ConfirmRecycle($quoteId: ID!, $idempotencyKey: String!) {\n    confirmRecycle(quoteId: $quoteId, idempotencyKey: $idempotencyKey) { id status net settleAfter }\n  }\n": typeof types.ConfirmRecycleDocument,
    "\n  mutation ApproveRecycle($id: ID!) { approveRecycle(id: $id) { id status settleAfter } }\n": typeof types.ApproveRecycleDocument,
    "\n  mutation RejectRecycle($id: ID!, $reason: String!) { rejectRecycle(id: $id, reason: $reason) { id status reason } }\n": typeof types.RejectRecycleDocument,
    "\n  mutation CancelRecycle($id: ID!, $reason: String!) { cancelRecycle(id: $id, reason: $reason) { id status reason } }\n": typeof types.CancelRecycleDocument,
    "\n  query Voucher($number: String!) { voucher(number: $number) { number hash issuedAt content verified recycleId } }\n": typeof types.VoucherDocument,
    "\n  query ReviewQueue {\n    reviewQueue { id phone operator amount status reviewReason createdAt user { id name employeeNo } }\n  }\n": typeof types.ReviewQueueDocument,
    "\n  mutation ApproveTopup($id: ID!) { approveTopup(id: $id) { id status } }\n": typeof types.ApproveTopupDocument,
    "\n  mutation RejectTopup($id: ID!, $reason: String!) { rejectTopup(id: $id, reason: $reason) { id status } }\n": typeof types.RejectTopupDocument,
    "\n  query Reconciliation { reconciliation { topupId ledger carrier } }\n": typeof types.ReconciliationDocument,
    "\n  query Disputes($status: String) {\n    disputes(status: $status) {\n      id reason status resolution createdAt resolvedAt\n      topup { id phone operator amount createdAt status user { id name } }\n    }\n  }\n": typeof types.DisputesDocument,
    "\n  mutation OpenDispute($topupId: ID!, $reason: String!) { openDispute(topupId: $topupId, reason: $reason) { id status } }\n": typeof types.OpenDisputeDocument,
    "\n  mutation ResolveDispute($id: ID!, $refund: Boolean!, $resolution: String!, $idempotencyKey: String!) {\n    resolveDispute(id: $id, refund: $refund, resolution: $resolution, idempotencyKey: $idempotencyKey) { id status resolution }\n  }\n": typeof types.ResolveDisputeDocument,
    "\n  query Cashouts($status: CashoutStatus, $first: Int) {\n    cashouts(status: $status, first: $first) {\n      id credit rate cash status reason createdAt decidedAt paidAt employee { id name employeeNo }\n    }\n  }\n": typeof types.CashoutsDocument,
    "\n  query MyCashouts($first: Int) { myCashouts(first: $first) { id credit rate cash status reason createdAt paidAt } }\n": typeof types.MyCashoutsDocument,
    "\n  mutation Cashout($amount: Money!, $idempotencyKey: String!) {\n    cashout(amount: $amount, idempotencyKey: $idempotencyKey) { id credit rate cash status }\n  }\n": typeof types.CashoutDocument,
    "\n  mutation ApproveCashout($id: ID!) { approveCashout(id: $id) { id status } }\n": typeof types.ApproveCashoutDocument,
    "\n  mutation RejectCashout($id: ID!, $reason: String!) { rejectCashout(id: $id, reason: $reason) { id status reason } }\n": typeof types.RejectCashoutDocument,
    "\n  mutation MarkCashoutPaid($id: ID!, $idempotencyKey: String!) { markCashoutPaid(id: $id, idempotencyKey: $idempotencyKey) { id status paidAt } }\n": typeof types.MarkCashoutPaidDocument,
    "\n  mutation TopupFor($employeeId: ID!, $phone: String, $amount: Money!, $idempotencyKey: String!) {\n    topupFor(employeeId: $employeeId, phone: $phone, amount: $amount, idempotencyKey: $idempotencyKey) {\n      id phone operator amount status reviewReason failureReason createdAt\n    }\n  }\n": typeof types.TopupForDocument,
    "\n  query WebhookEndpoints {\n    webhookEndpoints { id url events description active createdAt updatedAt }\n    webhookEvents\n  }\n": typeof types.WebhookEndpointsDocument,
    "\n  query WebhookDeliveries($endpointId: ID, $status: WebhookDeliveryStatus, $first: Int, $after: String) {\n    webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id endpointId event payload status attempts nextAttemptAt lastStatusCode lastError createdAt deliveredAt } }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) { secret endpoint { id url events description active createdAt updatedAt } }\n  }\n": typeof types.CreateWebhookEndpointDocument,
    "\n  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(id: $id, input: $input) { id url events description active updatedAt }\n  }\n": typeof types.UpdateWebhookEndpointDocument,
    "\n  mutation DeleteWebhookEndpoint($id: ID!) { deleteWebhookEndpoint(id: $id) }\n": typeof types.DeleteWebhookEndpointDocument,
    "\n  mutation ReplayWebhookDelivery($id: ID!) { replayWebhookDelivery(id: $id) { id status attempts lastStatusCode lastError deliveredAt } }\n": typeof types.ReplayWebhookDeliveryDocument,
    "\n  mutation SendTestWebhook($endpointId: ID!) { sendTestWebhook(endpointId: $endpointId) { id event status attempts createdAt } }\n": typeof types.SendTestWebhookDocument,
    "\n  query MyNotificationSettings { myNotificationSettings { kind description enabled mandatory } }\n": typeof types.MyNotificationSettingsDocument,
    "\n  mutation UpdateMyNotificationSettings($settings: [NotificationSettingInput!]!) {\n    updateMyNotificationSettings(settings: $settings) { kind description enabled mandatory }\n  }\n": typeof types.UpdateMyNotificationSettingsDocument,
};
const documents: Documents = {
    "\n  query Viewer {\n    viewer {\n      csrfToken\n      permissions\n      user { id email name roles status phone department employeeNo locale }\n      apiKey { id name }\n      tenant { id name slug timezone }\n    }\n  }\n": types.ViewerDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { csrfToken expiresAt user { id name } }\n  }\n": types.LoginDocument,
    "\n  mutation Logout { logout }\n": types.LogoutDocument,
    "\n  mutation ChangePassword($current: String!, $new: String!) { changePassword(current: $current, new: $new) }\n": types.ChangePasswordDocument,
    "\n  mutation AcceptInvitation($token: String!, $password: String!) {\n    acceptInvitation(token: $token, password: $password) { csrfToken expiresAt user { id name } }\n  }\n": types.AcceptInvitationDocument,
    "\n  query TenantBalances {\n    tenant { id balances { funding pool granted payout } }\n  }\n": types.TenantBalancesDocument,
    "\n  query Policy {\n    tenant {\n      id\n      policy {\n        topupDailyLimit topupMonthlyLimit topupSingleMax tenantDailyCap\n        purchaseApprovalThreshold recycleReviewThreshold cashoutReviewThreshold velocityMaxTopups velocityWindowMinutes\n        recycleRate recycleFee settlementDelayDays cashoutEnabled cashoutRate lowPoolThreshold\n      }\n    }\n  }\n": types.PolicyDocument,
    "\n  mutation UpdatePolicy($input: PolicyInput!) {\n    updatePolicy(input: $input) {\n      topupDailyLimit topupMonthlyLimit topupSingleMax tenantDailyCap\n      purchaseApprovalThreshold recycleReviewThreshold cashoutReviewThreshold velocityMaxTopups velocityWindowMinutes\n      recycleRate recycleFee settlementDelayDays cashoutEnabled cashoutRate lowPoolThreshold\n    }\n  }\n": types.UpdatePolicyDocument,
    "\n  query Users($first: Int, $after: String, $filter: UserFilter) {\n    users(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        node {\n          id email name roles status employeeNo phone department costCenter createdAt lastLoginAt\n          wallet { accountId balance available nextExpiry }\n        }\n      }\n    }\n  }\n": types.UsersDocument,
    "\n  query UserDetail($id: ID!, $first: Int, $after: String) {\n    user(id: $id) {\n      id email name roles status employeeNo phone department costCenter locale createdAt lastLoginAt\n      wallet {\n        accountId balance available held nextExpiry nextExpiryAmount\n        lots(includeEmpty: true) { id original remaining held expiresAt createdAt memo expired }\n        entries(first: $first, after: $after) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges { cursor node { id template status memo amount createdAt createdBy batchId } }\n        }\n      }\n    }\n  }\n": types.UserDetailDocument,
    "\n  mutation InviteUser($input: InviteUserInput!) {\n    inviteUser(input: $input) { id email name roles status }\n  }\n": types.InviteUserDocument,
    "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) { id name phone department costCenter locale }\n  }\n": types.UpdateUserDocument,
    "\n  mutation SetUserRoles($id: ID!, $roles: [Role!]!) {\n    setUserRoles(id: $id, roles: $roles) { id roles }\n  }\n": types.SetUserRolesDocument,
    "\n  mutation DeactivateUser($id: ID!, $idempotencyKey: String!) {\n    deactivateUser(id: $id, idempotencyKey: $idempotencyKey) { id status wallet { balance } }\n  }\n": types.DeactivateUserDocument,
    "\n  query Entries($first: Int, $after: String, $filter: EntryFilter) {\n    entries(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        node {\n          id template status memo amount createdAt postedAt voidedAt createdBy batchId reversesId reversedById idempotencyKey\n          postings { accountId accountKind accountName asset amount }\n        }\n      }\n    }\n  }\n": types.EntriesDocument,
    "\n  query Accounts($first: Int, $after: String, $kind: AccountKind) {\n    accounts(first: $first, after: $after, kind: $kind) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id kind asset owner name posted pendingOut pendingIn available } }\n    }\n  }\n": types.AccountsDocument,
    "\n  mutation Fund($input: FundInput!) { fund(input: $input) { id amount status createdAt } }\n": types.FundDocument,
    "\n  mutation Grant($input: GrantInput!) {\n    grant(input: $input) { entry { id amount status } lot { id remaining expiresAt } }\n  }\n": types.GrantDocument,
    "\n  mutation GrantBatch($input: BatchGrantInput!) { grantBatch(input: $input) { batchId count total } }\n": types.GrantBatchDocument,
    "\n  mutation ReverseEntry($id: ID!, $reason: String!, $idempotencyKey: String!) {\n    reverseEntry(id: $id, reason: $reason, idempotencyKey: $idempotencyKey) { id status reversesId }\n  }\n": types.ReverseEntryDocument,
    "\n  query AuditLog($first: Int, $after: String, $filter: AuditFilter) {\n    auditLog(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id seq at actor action target outcome ip details hash } }\n    }\n  }\n": types.AuditLogDocument,
    "\n  query Verify {\n    verify { ok checkedAt entriesChecked accountsChecked auditEventsChecked violations { check detail } }\n  }\n": types.VerifyDocument,
    "\n  query ApiKeys { apiKeys { id name prefix roles createdAt lastUsedAt revokedAt } }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($name: String!, $roles: [Role!]!) {\n    createApiKey(name: $name, roles: $roles) { secret apiKey { id name prefix roles createdAt } }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }\n": types.RevokeApiKeyDocument,
    "\n  query OperatorOf($phone: String!) { operatorOf(phone: $phone) { operator operatorNameZh operatorNameEn phone } }\n": types.OperatorOfDocument,
    "\n  query MyWallet($first: Int, $after: String) {\n    myWallet {\n      accountId balance available held nextExpiry nextExpiryAmount\n      lots { id original remaining held expiresAt createdAt memo expired }\n      entries(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { cursor node { id template status memo amount createdAt } }\n      }\n    }\n  }\n": types.MyWalletDocument,
    "\n  query PurchaseOrders($first: Int, $status: PurchaseStatus) {\n    purchaseOrders(first: $first, status: $status) {\n      id faceValue price supplier status reason createdAt decidedAt\n      requestedBy { id name } decidedBy { id name } entry { id }\n    }\n  }\n": types.PurchaseOrdersDocument,
    "\n  mutation RequestPurchase($faceValue: Money!, $price: Money!, $supplier: String!, $idempotencyKey: String!) {\n    requestPurchase(faceValue: $faceValue, price: $price, supplier: $supplier, idempotencyKey: $idempotencyKey) { id status }\n  }\n": types.RequestPurchaseDocument,
    "\n  mutation ApprovePurchase($id: ID!, $idempotencyKey: String!) {\n    approvePurchase(id: $id, idempotencyKey: $idempotencyKey) { id status decidedAt }\n  }\n": types.ApprovePurchaseDocument,
    "\n  mutation RejectPurchase($id: ID!, $reason: String!) { rejectPurchase(id: $id, reason: $reason) { id status reason } }\n": types.RejectPurchaseDocument,
    "\n  query MyTopups($first: Int) {\n    myTopups(first: $first) { id phone operator amount status reviewReason failureReason createdAt completedAt }\n  }\n": types.MyTopupsDocument,
    "\n  mutation RequestTopupCode($phone: String!) { requestTopupCode(phone: $phone) }\n": types.RequestTopupCodeDocument,
    "\n  mutation Topup($phone: String!, $amount: Money!, $code: String, $idempotencyKey: String!) {\n    topup(phone: $phone, amount: $amount, code: $code, idempotencyKey: $idempotencyKey) {\n      id phone operator amount status reviewReason failureReason createdAt\n    }\n  }\n": types.TopupDocument,
    "\n  query Schedules {\n    schedules {\n      id name amount frequency dayOfMonth dayOfWeek target department employeeIds\n      expiryDays expireAtPeriodEnd paused nextRunAt lastError\n      runs { id period startedAt finishedAt count total status error }\n    }\n  }\n": types.SchedulesDocument,
    "\n  mutation CreateSchedule($input: ScheduleInput!) { createSchedule(input: $input) { id name } }\n": types.CreateScheduleDocument,
    "\n  mutation SetSchedulePaused($id: ID!, $paused: Boolean!) { setSchedulePaused(id: $id, paused: $paused) { id paused nextRunAt } }\n": types.SetSchedulePausedDocument,
    "\n  mutation RunExpirySweep { runExpirySweep { lots total } }\n": types.RunExpirySweepDocument,
    "\n  query Recycles($status: RecycleStatus, $first: Int) {\n    recycles(status: $status, first: $first) {\n      id faceValue rate gross fee net status requestedBy reason settleAfter settledAt createdAt decidedAt\n      decidedBy { id name }\n      voucher { number issuedAt }\n    }\n  }\n": types.RecyclesDocument,
    "\n  mutation QuoteRecycle($faceValue: Money!) {\n    quoteRecycle(faceValue: $faceValue) { id faceValue rate gross fee net settlementDelayDays expiresAt }\n  }\n": types.QuoteRecycleDocument,
    "\n  mutation ConfirmRecycle($quoteId: ID!, $idempotencyKey: String!) {\n    confirmRecycle(quoteId: $quoteId, idempotencyKey: $idempotencyKey) { id status net settleAfter }\n  }\n": types.ConfirmRecycleDocument,
    "\n  mutation ApproveRecycle($id: ID!) { approveRecycle(id: $id) { id status settleAfter } }\n": types.ApproveRecycleDocument,
    "\n  mutation RejectRecycle($id: ID!, $reason: String!) { rejectRecycle(id: $id, reason: $reason) { id status reason } }\n": types.RejectRecycleDocument,
    "\n  mutation CancelRecycle($id: ID!, $reason: String!) { cancelRecycle(id: $id, reason: $reason) { id status reason } }\n": types.CancelRecycleDocument,
    "\n  query Voucher($number: String!) { voucher(number: $number) { number hash issuedAt content verified recycleId } }\n": types.VoucherDocument,
    "\n  query ReviewQueue {\n    reviewQueue { id phone operator amount status reviewReason createdAt user { id name employeeNo } }\n  }\n": types.ReviewQueueDocument,
    "\n  mutation ApproveTopup($id: ID!) { approveTopup(id: $id) { id status } }\n": types.ApproveTopupDocument,
    "\n  mutation RejectTopup($id: ID!, $reason: String!) { rejectTopup(id: $id, reason: $reason) { id status } }\n": types.RejectTopupDocument,
    "\n  query Reconciliation { reconciliation { topupId ledger carrier } }\n": types.ReconciliationDocument,
    "\n  query Disputes($status: String) {\n    disputes(status: $status) {\n      id reason status resolution createdAt resolvedAt\n      topup { id phone operator amount createdAt status user { id name } }\n    }\n  }\n": types.DisputesDocument,
    "\n  mutation OpenDispute($topupId: ID!, $reason: String!) { openDispute(topupId: $topupId, reason: $reason) { id status } }\n": types.OpenDisputeDocument,
    "\n  mutation ResolveDispute($id: ID!, $refund: Boolean!, $resolution: String!, $idempotencyKey: String!) {\n    resolveDispute(id: $id, refund: $refund, resolution: $resolution, idempotencyKey: $idempotencyKey) { id status resolution }\n  }\n": types.ResolveDisputeDocument,
    "\n  query Cashouts($status: CashoutStatus, $first: Int) {\n    cashouts(status: $status, first: $first) {\n      id credit rate cash status reason createdAt decidedAt paidAt employee { id name employeeNo }\n    }\n  }\n": types.CashoutsDocument,
    "\n  query MyCashouts($first: Int) { myCashouts(first: $first) { id credit rate cash status reason createdAt paidAt } }\n": types.MyCashoutsDocument,
    "\n  mutation Cashout($amount: Money!, $idempotencyKey: String!) {\n    cashout(amount: $amount, idempotencyKey: $idempotencyKey) { id credit rate cash status }\n  }\n": types.CashoutDocument,
    "\n  mutation ApproveCashout($id: ID!) { approveCashout(id: $id) { id status } }\n": types.ApproveCashoutDocument,
    "\n  mutation RejectCashout($id: ID!, $reason: String!) { rejectCashout(id: $id, reason: $reason) { id status reason } }\n": types.RejectCashoutDocument,
    "\n  mutation MarkCashoutPaid($id: ID!, $idempotencyKey: String!) { markCashoutPaid(id: $id, idempotencyKey: $idempotencyKey) { id status paidAt } }\n": types.MarkCashoutPaidDocument,
    "\n  mutation TopupFor($employeeId: ID!, $phone: String, $amount: Money!, $idempotencyKey: String!) {\n    topupFor(employeeId: $employeeId, phone: $phone, amount: $amount, idempotencyKey: $idempotencyKey) {\n      id phone operator amount status reviewReason failureReason createdAt\n    }\n  }\n": types.TopupForDocument,
    "\n  query WebhookEndpoints {\n    webhookEndpoints { id url events description active createdAt updatedAt }\n    webhookEvents\n  }\n": types.WebhookEndpointsDocument,
    "\n  query WebhookDeliveries($endpointId: ID, $status: WebhookDeliveryStatus, $first: Int, $after: String) {\n    webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id endpointId event payload status attempts nextAttemptAt lastStatusCode lastError createdAt deliveredAt } }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) { secret endpoint { id url events description active createdAt updatedAt } }\n  }\n": types.CreateWebhookEndpointDocument,
    "\n  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(id: $id, input: $input) { id url events description active updatedAt }\n  }\n": types.UpdateWebhookEndpointDocument,
    "\n  mutation DeleteWebhookEndpoint($id: ID!) { deleteWebhookEndpoint(id: $id) }\n": types.DeleteWebhookEndpointDocument,
    "\n  mutation ReplayWebhookDelivery($id: ID!) { replayWebhookDelivery(id: $id) { id status attempts lastStatusCode lastError deliveredAt } }\n": types.ReplayWebhookDeliveryDocument,
    "\n  mutation SendTestWebhook($endpointId: ID!) { sendTestWebhook(endpointId: $endpointId) { id event status attempts createdAt } }\n": types.SendTestWebhookDocument,
    "\n  query MyNotificationSettings { myNotificationSettings { kind description enabled mandatory } }\n": types.MyNotificationSettingsDocument,
    "\n  mutation UpdateMyNotificationSettings($settings: [NotificationSettingInput!]!) {\n    updateMyNotificationSettings(settings: $settings) { kind description enabled mandatory }\n  }\n": types.UpdateMyNotificationSettingsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      csrfToken\n      permissions\n      user { id email name roles status phone department employeeNo locale }\n      apiKey { id name }\n      tenant { id name slug timezone }\n    }\n  }\n"): typeof import('./graphql').ViewerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { csrfToken expiresAt user { id name } }\n  }\n"): typeof import('./graphql').LoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout { logout }\n"): typeof import('./graphql').LogoutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($current: String!, $new: String!) { changePassword(current: $current, new: $new) }\n"): typeof import('./graphql').ChangePasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptInvitation($token: String!, $password: String!) {\n    acceptInvitation(token: $token, password: $password) { csrfToken expiresAt user { id name } }\n  }\n"): typeof import('./graphql').AcceptInvitationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantBalances {\n    tenant { id balances { funding pool granted payout } }\n  }\n"): typeof import('./graphql').TenantBalancesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Policy {\n    tenant {\n      id\n      policy {\n        topupDailyLimit topupMonthlyLimit topupSingleMax tenantDailyCap\n        purchaseApprovalThreshold recycleReviewThreshold cashoutReviewThreshold velocityMaxTopups velocityWindowMinutes\n        recycleRate recycleFee settlementDelayDays cashoutEnabled cashoutRate lowPoolThreshold\n      }\n    }\n  }\n"): typeof import('./graphql').PolicyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdatePolicy($input: PolicyInput!) {\n    updatePolicy(input: $input) {\n      topupDailyLimit topupMonthlyLimit topupSingleMax tenantDailyCap\n      purchaseApprovalThreshold recycleReviewThreshold cashoutReviewThreshold velocityMaxTopups velocityWindowMinutes\n      recycleRate recycleFee settlementDelayDays cashoutEnabled cashoutRate lowPoolThreshold\n    }\n  }\n"): typeof import('./graphql').UpdatePolicyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users($first: Int, $after: String, $filter: UserFilter) {\n    users(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        node {\n          id email name roles status employeeNo phone department costCenter createdAt lastLoginAt\n          wallet { accountId balance available nextExpiry }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').UsersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserDetail($id: ID!, $first: Int, $after: String) {\n    user(id: $id) {\n      id email name roles status employeeNo phone department costCenter locale createdAt lastLoginAt\n      wallet {\n        accountId balance available held nextExpiry nextExpiryAmount\n        lots(includeEmpty: true) { id original remaining held expiresAt createdAt memo expired }\n        entries(first: $first, after: $after) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges { cursor node { id template status memo amount createdAt createdBy batchId } }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').UserDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InviteUser($input: InviteUserInput!) {\n    inviteUser(input: $input) { id email name roles status }\n  }\n"): typeof import('./graphql').InviteUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) { id name phone department costCenter locale }\n  }\n"): typeof import('./graphql').UpdateUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetUserRoles($id: ID!, $roles: [Role!]!) {\n    setUserRoles(id: $id, roles: $roles) { id roles }\n  }\n"): typeof import('./graphql').SetUserRolesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeactivateUser($id: ID!, $idempotencyKey: String!) {\n    deactivateUser(id: $id, idempotencyKey: $idempotencyKey) { id status wallet { balance } }\n  }\n"): typeof import('./graphql').DeactivateUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Entries($first: Int, $after: String, $filter: EntryFilter) {\n    entries(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        node {\n          id template status memo amount createdAt postedAt voidedAt createdBy batchId reversesId reversedById idempotencyKey\n          postings { accountId accountKind accountName asset amount }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').EntriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Accounts($first: Int, $after: String, $kind: AccountKind) {\n    accounts(first: $first, after: $after, kind: $kind) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id kind asset owner name posted pendingOut pendingIn available } }\n    }\n  }\n"): typeof import('./graphql').AccountsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Fund($input: FundInput!) { fund(input: $input) { id amount status createdAt } }\n"): typeof import('./graphql').FundDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Grant($input: GrantInput!) {\n    grant(input: $input) { entry { id amount status } lot { id remaining expiresAt } }\n  }\n"): typeof import('./graphql').GrantDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GrantBatch($input: BatchGrantInput!) { grantBatch(input: $input) { batchId count total } }\n"): typeof import('./graphql').GrantBatchDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReverseEntry($id: ID!, $reason: String!, $idempotencyKey: String!) {\n    reverseEntry(id: $id, reason: $reason, idempotencyKey: $idempotencyKey) { id status reversesId }\n  }\n"): typeof import('./graphql').ReverseEntryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLog($first: Int, $after: String, $filter: AuditFilter) {\n    auditLog(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id seq at actor action target outcome ip details hash } }\n    }\n  }\n"): typeof import('./graphql').AuditLogDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Verify {\n    verify { ok checkedAt entriesChecked accountsChecked auditEventsChecked violations { check detail } }\n  }\n"): typeof import('./graphql').VerifyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys { apiKeys { id name prefix roles createdAt lastUsedAt revokedAt } }\n"): typeof import('./graphql').ApiKeysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($name: String!, $roles: [Role!]!) {\n    createApiKey(name: $name, roles: $roles) { secret apiKey { id name prefix roles createdAt } }\n  }\n"): typeof import('./graphql').CreateApiKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }\n"): typeof import('./graphql').RevokeApiKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OperatorOf($phone: String!) { operatorOf(phone: $phone) { operator operatorNameZh operatorNameEn phone } }\n"): typeof import('./graphql').OperatorOfDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyWallet($first: Int, $after: String) {\n    myWallet {\n      accountId balance available held nextExpiry nextExpiryAmount\n      lots { id original remaining held expiresAt createdAt memo expired }\n      entries(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { cursor node { id template status memo amount createdAt } }\n      }\n    }\n  }\n"): typeof import('./graphql').MyWalletDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PurchaseOrders($first: Int, $status: PurchaseStatus) {\n    purchaseOrders(first: $first, status: $status) {\n      id faceValue price supplier status reason createdAt decidedAt\n      requestedBy { id name } decidedBy { id name } entry { id }\n    }\n  }\n"): typeof import('./graphql').PurchaseOrdersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPurchase($faceValue: Money!, $price: Money!, $supplier: String!, $idempotencyKey: String!) {\n    requestPurchase(faceValue: $faceValue, price: $price, supplier: $supplier, idempotencyKey: $idempotencyKey) { id status }\n  }\n"): typeof import('./graphql').RequestPurchaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApprovePurchase($id: ID!, $idempotencyKey: String!) {\n    approvePurchase(id: $id, idempotencyKey: $idempotencyKey) { id status decidedAt }\n  }\n"): typeof import('./graphql').ApprovePurchaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectPurchase($id: ID!, $reason: String!) { rejectPurchase(id: $id, reason: $reason) { id status reason } }\n"): typeof import('./graphql').RejectPurchaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyTopups($first: Int) {\n    myTopups(first: $first) { id phone operator amount status reviewReason failureReason createdAt completedAt }\n  }\n"): typeof import('./graphql').MyTopupsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestTopupCode($phone: String!) { requestTopupCode(phone: $phone) }\n"): typeof import('./graphql').RequestTopupCodeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Topup($phone: String!, $amount: Money!, $code: String, $idempotencyKey: String!) {\n    topup(phone: $phone, amount: $amount, code: $code, idempotencyKey: $idempotencyKey) {\n      id phone operator amount status reviewReason failureReason createdAt\n    }\n  }\n"): typeof import('./graphql').TopupDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Schedules {\n    schedules {\n      id name amount frequency dayOfMonth dayOfWeek target department employeeIds\n      expiryDays expireAtPeriodEnd paused nextRunAt lastError\n      runs { id period startedAt finishedAt count total status error }\n    }\n  }\n"): typeof import('./graphql').SchedulesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSchedule($input: ScheduleInput!) { createSchedule(input: $input) { id name } }\n"): typeof import('./graphql').CreateScheduleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetSchedulePaused($id: ID!, $paused: Boolean!) { setSchedulePaused(id: $id, paused: $paused) { id paused nextRunAt } }\n"): typeof import('./graphql').SetSchedulePausedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RunExpirySweep { runExpirySweep { lots total } }\n"): typeof import('./graphql').RunExpirySweepDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Recycles($status: RecycleStatus, $first: Int) {\n    recycles(status: $status, first: $first) {\n      id faceValue rate gross fee net status requestedBy reason settleAfter settledAt createdAt decidedAt\n      decidedBy { id name }\n      voucher { number issuedAt }\n    }\n  }\n"): typeof import('./graphql').RecyclesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation QuoteRecycle($faceValue: Money!) {\n    quoteRecycle(faceValue: $faceValue) { id faceValue rate gross fee net settlementDelayDays expiresAt }\n  }\n"): typeof import('./graphql').QuoteRecycleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmRecycle($quoteId: ID!, $idempotencyKey: String!) {\n    confirmRecycle(quoteId: $quoteId, idempotencyKey: $idempotencyKey) { id status net settleAfter }\n  }\n"): typeof import('./graphql').ConfirmRecycleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveRecycle($id: ID!) { approveRecycle(id: $id) { id status settleAfter } }\n"): typeof import('./graphql').ApproveRecycleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectRecycle($id: ID!, $reason: String!) { rejectRecycle(id: $id, reason: $reason) { id status reason } }\n"): typeof import('./graphql').RejectRecycleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelRecycle($id: ID!, $reason: String!) { cancelRecycle(id: $id, reason: $reason) { id status reason } }\n"): typeof import('./graphql').CancelRecycleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Voucher($number: String!) { voucher(number: $number) { number hash issuedAt content verified recycleId } }\n"): typeof import('./graphql').VoucherDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewQueue {\n    reviewQueue { id phone operator amount status reviewReason createdAt user { id name employeeNo } }\n  }\n"): typeof import('./graphql').ReviewQueueDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveTopup($id: ID!) { approveTopup(id: $id) { id status } }\n"): typeof import('./graphql').ApproveTopupDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectTopup($id: ID!, $reason: String!) { rejectTopup(id: $id, reason: $reason) { id status } }\n"): typeof import('./graphql').RejectTopupDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Reconciliation { reconciliation { topupId ledger carrier } }\n"): typeof import('./graphql').ReconciliationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Disputes($status: String) {\n    disputes(status: $status) {\n      id reason status resolution createdAt resolvedAt\n      topup { id phone operator amount createdAt status user { id name } }\n    }\n  }\n"): typeof import('./graphql').DisputesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OpenDispute($topupId: ID!, $reason: String!) { openDispute(topupId: $topupId, reason: $reason) { id status } }\n"): typeof import('./graphql').OpenDisputeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResolveDispute($id: ID!, $refund: Boolean!, $resolution: String!, $idempotencyKey: String!) {\n    resolveDispute(id: $id, refund: $refund, resolution: $resolution, idempotencyKey: $idempotencyKey) { id status resolution }\n  }\n"): typeof import('./graphql').ResolveDisputeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Cashouts($status: CashoutStatus, $first: Int) {\n    cashouts(status: $status, first: $first) {\n      id credit rate cash status reason createdAt decidedAt paidAt employee { id name employeeNo }\n    }\n  }\n"): typeof import('./graphql').CashoutsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyCashouts($first: Int) { myCashouts(first: $first) { id credit rate cash status reason createdAt paidAt } }\n"): typeof import('./graphql').MyCashoutsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Cashout($amount: Money!, $idempotencyKey: String!) {\n    cashout(amount: $amount, idempotencyKey: $idempotencyKey) { id credit rate cash status }\n  }\n"): typeof import('./graphql').CashoutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveCashout($id: ID!) { approveCashout(id: $id) { id status } }\n"): typeof import('./graphql').ApproveCashoutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectCashout($id: ID!, $reason: String!) { rejectCashout(id: $id, reason: $reason) { id status reason } }\n"): typeof import('./graphql').RejectCashoutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkCashoutPaid($id: ID!, $idempotencyKey: String!) { markCashoutPaid(id: $id, idempotencyKey: $idempotencyKey) { id status paidAt } }\n"): typeof import('./graphql').MarkCashoutPaidDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TopupFor($employeeId: ID!, $phone: String, $amount: Money!, $idempotencyKey: String!) {\n    topupFor(employeeId: $employeeId, phone: $phone, amount: $amount, idempotencyKey: $idempotencyKey) {\n      id phone operator amount status reviewReason failureReason createdAt\n    }\n  }\n"): typeof import('./graphql').TopupForDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookEndpoints {\n    webhookEndpoints { id url events description active createdAt updatedAt }\n    webhookEvents\n  }\n"): typeof import('./graphql').WebhookEndpointsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($endpointId: ID, $status: WebhookDeliveryStatus, $first: Int, $after: String) {\n    webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id endpointId event payload status attempts nextAttemptAt lastStatusCode lastError createdAt deliveredAt } }\n    }\n  }\n"): typeof import('./graphql').WebhookDeliveriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) { secret endpoint { id url events description active createdAt updatedAt } }\n  }\n"): typeof import('./graphql').CreateWebhookEndpointDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(id: $id, input: $input) { id url events description active updatedAt }\n  }\n"): typeof import('./graphql').UpdateWebhookEndpointDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhookEndpoint($id: ID!) { deleteWebhookEndpoint(id: $id) }\n"): typeof import('./graphql').DeleteWebhookEndpointDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReplayWebhookDelivery($id: ID!) { replayWebhookDelivery(id: $id) { id status attempts lastStatusCode lastError deliveredAt } }\n"): typeof import('./graphql').ReplayWebhookDeliveryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendTestWebhook($endpointId: ID!) { sendTestWebhook(endpointId: $endpointId) { id event status attempts createdAt } }\n"): typeof import('./graphql').SendTestWebhookDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyNotificationSettings { myNotificationSettings { kind description enabled mandatory } }\n"): typeof import('./graphql').MyNotificationSettingsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMyNotificationSettings($settings: [NotificationSettingInput!]!) {\n    updateMyNotificationSettings(settings: $settings) { kind description enabled mandatory }\n  }\n"): typeof import('./graphql').UpdateMyNotificationSettingsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
