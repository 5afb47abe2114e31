/* eslint-disable */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /**
   * Implement the DateTime<Utc> scalar
   *
   * The input/output is a string in RFC3339 format.
   */
  DateTime: { input: string; output: string; }
  Money: { input: string; output: string; }
  Rate: { input: string; output: string; }
};

export type Account = {
  asset: Asset;
  available: Scalars['Money']['output'];
  id: Scalars['ID']['output'];
  kind: AccountKind;
  name: Scalars['String']['output'];
  /** A user id for WALLET and PAYOUT, the counterparty for EXTERNAL, null otherwise. */
  owner?: Maybe<Scalars['String']['output']>;
  pendingIn: Scalars['Money']['output'];
  pendingOut: Scalars['Money']['output'];
  posted: Scalars['Money']['output'];
};

export type AccountConnection = {
  edges: Array<AccountEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type AccountEdge = {
  cursor: Scalars['String']['output'];
  node: Account;
};

export type AccountKind =
  | 'EXTERNAL'
  | 'FEES'
  | 'FUNDING'
  | 'PAYOUT'
  | 'POOL'
  | 'WALLET';

export type AllowanceRun = {
  count: Scalars['Int']['output'];
  error?: Maybe<Scalars['String']['output']>;
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /** e.g. "2026-12", "2026-W49" or "once". */
  period: Scalars['String']['output'];
  startedAt: Scalars['DateTime']['output'];
  /** DONE or FAILED (retried after 15 minutes). */
  status: Scalars['String']['output'];
  total: Scalars['Money']['output'];
};

export type AllowanceSchedule = {
  amount: Scalars['Money']['output'];
  dayOfMonth?: Maybe<Scalars['Int']['output']>;
  dayOfWeek?: Maybe<Scalars['Int']['output']>;
  department?: Maybe<Scalars['String']['output']>;
  employeeIds?: Maybe<Array<Scalars['ID']['output']>>;
  expireAtPeriodEnd: Scalars['Boolean']['output'];
  expiryDays?: Maybe<Scalars['Int']['output']>;
  frequency: ScheduleFrequency;
  id: Scalars['ID']['output'];
  lastError?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  nextRunAt?: Maybe<Scalars['DateTime']['output']>;
  paused: Scalars['Boolean']['output'];
  /** The run report: one row per period paid (or failed and to be retried). */
  runs: Array<AllowanceRun>;
  target: ScheduleTarget;
};

export type ApiKey = {
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  /** The first characters of the key, to recognise it. */
  prefix: Scalars['String']['output'];
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  roles: Array<Role>;
};

export type Asset =
  | 'CASH'
  | 'CREDIT';

export type AuditEvent = {
  action: Scalars['String']['output'];
  actor: Scalars['String']['output'];
  at: Scalars['DateTime']['output'];
  details?: Maybe<Scalars['String']['output']>;
  hash: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  ip?: Maybe<Scalars['String']['output']>;
  outcome: Scalars['String']['output'];
  seq: Scalars['Int']['output'];
  target?: Maybe<Scalars['String']['output']>;
};

export type AuditEventConnection = {
  edges: Array<AuditEventEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type AuditEventEdge = {
  cursor: Scalars['String']['output'];
  node: AuditEvent;
};

export type AuditFilter = {
  action?: InputMaybe<Scalars['String']['input']>;
  actor?: InputMaybe<Scalars['String']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

export type BatchGrantInput = {
  expiresAt: Scalars['DateTime']['input'];
  idempotencyKey: Scalars['String']['input'];
  items: Array<BatchGrantItem>;
  memo?: InputMaybe<Scalars['String']['input']>;
};

export type BatchGrantItem = {
  amount: Scalars['Money']['input'];
  employeeId: Scalars['ID']['input'];
  /** Defaults to the batch's expiry. */
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  memo?: InputMaybe<Scalars['String']['input']>;
};

export type BatchGrantResult = {
  batchId: Scalars['ID']['output'];
  count: Scalars['Int']['output'];
  total: Scalars['Money']['output'];
};

export type Cashout = {
  /** The money owed: credit × rate, rounded half-up to the fen. */
  cash: Scalars['Money']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** The wallet credit converted. */
  credit: Scalars['Money']['output'];
  decidedAt?: Maybe<Scalars['DateTime']['output']>;
  employee: User;
  /** The CASHOUT entry: pending under review, posted when approved. */
  entry: Entry;
  id: Scalars['ID']['output'];
  paidAt?: Maybe<Scalars['DateTime']['output']>;
  /** The PAYOUT entry, once paid. */
  payoutEntry?: Maybe<Entry>;
  /** The disclosed cash-out rate. */
  rate: Scalars['Rate']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  /** credit × rate − cash, exactly, in yuan with six decimal places. */
  roundingRemainder: Scalars['String']['output'];
  status: CashoutStatus;
};

export type CashoutStatus =
  /** Posted: the money is owed to the employee. */
  | 'APPROVED'
  /** Paid through payroll. */
  | 'PAID'
  | 'REJECTED'
  /** Credit held, waiting for a finance decision (above the review threshold). */
  | 'REVIEW';

export type CreateWebhookEndpointInput = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  /** Events to receive (see `webhookEvents`); empty or absent: every event. */
  events?: InputMaybe<Array<Scalars['String']['input']>>;
  /** `https://` (`http://` only outside production). */
  url: Scalars['String']['input'];
};

export type CreatedApiKey = {
  apiKey: ApiKey;
  /** Shown exactly once; store it now. */
  secret: Scalars['String']['output'];
};

/** A new endpoint with its signing secret. The secret is shown only in this answer. */
export type CreatedWebhookEndpoint = {
  endpoint: WebhookEndpoint;
  /**
   * The HMAC-SHA256 key of `X-Creditloop-Signature: t={timestamp},v1={hex}`, computed
   * over `"{timestamp}.{body}"`. Store it now: it is never shown again.
   */
  secret: Scalars['String']['output'];
};

export type Dispute = {
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
  refundEntryId?: Maybe<Scalars['ID']['output']>;
  resolution?: Maybe<Scalars['String']['output']>;
  resolvedAt?: Maybe<Scalars['DateTime']['output']>;
  /** OPEN, REFUNDED or REJECTED. */
  status: Scalars['String']['output'];
  topup: Topup;
};

export type Entry = {
  /** The headline amount: the largest absolute posting. */
  amount: Scalars['Money']['output'];
  batchId?: Maybe<Scalars['ID']['output']>;
  createdAt: Scalars['DateTime']['output'];
  createdBy: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  idempotencyKey: Scalars['String']['output'];
  memo?: Maybe<Scalars['String']['output']>;
  postedAt?: Maybe<Scalars['DateTime']['output']>;
  postings: Array<Posting>;
  reversedById?: Maybe<Scalars['ID']['output']>;
  reversesId?: Maybe<Scalars['ID']['output']>;
  status: EntryStatus;
  template: Template;
  voidedAt?: Maybe<Scalars['DateTime']['output']>;
};

export type EntryConnection = {
  edges: Array<EntryEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type EntryEdge = {
  cursor: Scalars['String']['output'];
  node: Entry;
};

export type EntryFilter = {
  accountId?: InputMaybe<Scalars['ID']['input']>;
  batchId?: InputMaybe<Scalars['ID']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  status?: InputMaybe<EntryStatus>;
  template?: InputMaybe<Template>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

export type EntryStatus =
  | 'PENDING'
  | 'POSTED'
  | 'VOIDED';

export type FundInput = {
  amount: Scalars['Money']['input'];
  idempotencyKey: Scalars['String']['input'];
  /** The bank's reference for the deposit. */
  reference: Scalars['String']['input'];
};

export type GrantInput = {
  amount: Scalars['Money']['input'];
  employeeId: Scalars['ID']['input'];
  expiresAt: Scalars['DateTime']['input'];
  idempotencyKey: Scalars['String']['input'];
  memo?: InputMaybe<Scalars['String']['input']>;
};

export type GrantResult = {
  entry: Entry;
  lot: Lot;
};

export type InviteUserInput = {
  costCenter?: InputMaybe<Scalars['String']['input']>;
  department?: InputMaybe<Scalars['String']['input']>;
  email: Scalars['String']['input'];
  employeeNo?: InputMaybe<Scalars['String']['input']>;
  locale?: InputMaybe<Locale>;
  name: Scalars['String']['input'];
  phone?: InputMaybe<Scalars['String']['input']>;
  roles: Array<Role>;
};

export type Locale =
  | 'EN'
  | 'ZH_CN';

export type Lot = {
  createdAt: Scalars['DateTime']['output'];
  expired: Scalars['Boolean']['output'];
  expiresAt: Scalars['DateTime']['output'];
  held: Scalars['Money']['output'];
  id: Scalars['ID']['output'];
  memo?: Maybe<Scalars['String']['output']>;
  original: Scalars['Money']['output'];
  remaining: Scalars['Money']['output'];
};

/** The mutation root, merged the same way. */
export type Mutation = {
  /** Sets a password with an invitation token and signs in. */
  acceptInvitation: Session;
  /** Approves a cash-out under review and posts it (reviews.decide; never one's own). */
  approveCashout: Cashout;
  /** Approves a purchase order and posts it (purchases.approve; never one's own). */
  approvePurchase: PurchaseOrder;
  /** Approves a recycle under review (reviews.decide; never one's own). */
  approveRecycle: Recycle;
  /** Lets a top-up in review go to the carrier (reviews.decide). */
  approveTopup: Topup;
  /** Cancels a recycle before it settles; the pool credit is released (recycles.manage). */
  cancelRecycle: Recycle;
  /**
   * Converts the employee's own wallet credit into money paid through payroll, where the
   * tenant allows it (cashouts.own).
   */
  cashout: Cashout;
  /** Changes the signed-in user's password; other sessions end. */
  changePassword: Scalars['Boolean']['output'];
  /**
   * Confirms a quote: holds the face value in the pool until settlement (recycles.manage).
   * Above the review threshold it waits for a finance decision first.
   */
  confirmRecycle: Recycle;
  /** Creates an API key; the secret is returned once (apikeys.manage). */
  createApiKey: CreatedApiKey;
  /** Creates an allowance schedule (schedules.manage). */
  createSchedule: AllowanceSchedule;
  /** Registers an endpoint; the answer carries its signing secret, shown only once. */
  createWebhookEndpoint: CreatedWebhookEndpoint;
  /** Offboards a user; their wallet's free credit returns to the pool (users.deactivate). */
  deactivateUser: User;
  /** Deletes an endpoint and its delivery log. */
  deleteWebhookEndpoint: Scalars['Boolean']['output'];
  /** Records a bank deposit into the funding account (funding.create). */
  fund: Entry;
  /** Grants credit from the pool to one employee (grants.create). */
  grant: GrantResult;
  /** Grants to many employees at once, all or nothing (grants.create). */
  grantBatch: BatchGrantResult;
  /** Invites a user by email (users.invite; HR admins invite employees only). */
  inviteUser: User;
  /** Signs in with email and password. */
  login: Session;
  /** Ends the current session. */
  logout: Scalars['Boolean']['output'];
  /** Records that an approved cash-out was paid through payroll (payouts.manage). */
  markCashoutPaid: Cashout;
  /** Disputes one's own delivered top-up (disputes.own). */
  openDispute: Dispute;
  /**
   * Quotes a recycle of pool credit to cash at the disclosed rate and fee, valid for 15
   * minutes (recycles.manage).
   */
  quoteRecycle: RecycleQuote;
  /**
   * Rejects a cash-out under review; the credit returns to the wallet (reviews.decide;
   * never one's own).
   */
  rejectCashout: Cashout;
  rejectPurchase: PurchaseOrder;
  /**
   * Rejects a recycle under review; the pool credit is released (reviews.decide; never
   * one's own).
   */
  rejectRecycle: Recycle;
  /** Refuses a top-up in review and releases its hold (reviews.decide). */
  rejectTopup: Topup;
  /** Sends a delivery again now, with its original body and event id. */
  replayWebhookDelivery: WebhookDelivery;
  /**
   * Requests a purchase of credit (purchases.request). At or below the approval threshold
   * it is approved by policy at once.
   */
  requestPurchase: PurchaseOrder;
  /** Emails a one-time code for topping up a number other than one's own. */
  requestTopupCode: Scalars['Boolean']['output'];
  /** Refunds (reverses the top-up) or rejects a dispute (disputes.resolve). */
  resolveDispute: Dispute;
  /** Reverses a posted entry with a new, opposite entry (entries.reverse). */
  reverseEntry: Entry;
  revokeApiKey: ApiKey;
  /** Returns expired credit to the pool now, instead of waiting for the worker (sweeps.run). */
  runExpirySweep: SweepResult;
  /** Sends a `webhook.test` event to the endpoint now. */
  sendTestWebhook: WebhookDelivery;
  setSchedulePaused: AllowanceSchedule;
  /** Replaces a user's roles (roles.manage). */
  setUserRoles: User;
  /**
   * Settles the tenant's due recycles now and issues their vouchers (recycles.manage).
   * Returns how many were settled.
   */
  settleDueRecycles: Scalars['Int']['output'];
  /** Tops up a phone from the signed-in employee's wallet (topups.create_own). */
  topup: Topup;
  /** Tops up an employee's phone on their behalf (topups.create_for). */
  topupFor: Topup;
  /** Switches optional notification mail on or off for the signed-in user. */
  updateMyNotificationSettings: Array<NotificationSetting>;
  /** Changes the tenant's risk policy and limits (policy.manage). */
  updatePolicy: Policy;
  /** Changes a user's profile (users.update, or one's own). */
  updateUser: User;
  updateWebhookEndpoint: WebhookEndpoint;
};


/** The mutation root, merged the same way. */
export type MutationAcceptInvitationArgs = {
  password: Scalars['String']['input'];
  token: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationApproveCashoutArgs = {
  id: Scalars['ID']['input'];
};


/** The mutation root, merged the same way. */
export type MutationApprovePurchaseArgs = {
  id: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationApproveRecycleArgs = {
  id: Scalars['ID']['input'];
};


/** The mutation root, merged the same way. */
export type MutationApproveTopupArgs = {
  id: Scalars['ID']['input'];
};


/** The mutation root, merged the same way. */
export type MutationCancelRecycleArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationCashoutArgs = {
  amount: Scalars['Money']['input'];
  idempotencyKey: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationChangePasswordArgs = {
  current: Scalars['String']['input'];
  new: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationConfirmRecycleArgs = {
  idempotencyKey: Scalars['String']['input'];
  quoteId: Scalars['ID']['input'];
};


/** The mutation root, merged the same way. */
export type MutationCreateApiKeyArgs = {
  name: Scalars['String']['input'];
  roles: Array<Role>;
};


/** The mutation root, merged the same way. */
export type MutationCreateScheduleArgs = {
  input: ScheduleInput;
};


/** The mutation root, merged the same way. */
export type MutationCreateWebhookEndpointArgs = {
  input: CreateWebhookEndpointInput;
};


/** The mutation root, merged the same way. */
export type MutationDeactivateUserArgs = {
  id: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationDeleteWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
};


/** The mutation root, merged the same way. */
export type MutationFundArgs = {
  input: FundInput;
};


/** The mutation root, merged the same way. */
export type MutationGrantArgs = {
  input: GrantInput;
};


/** The mutation root, merged the same way. */
export type MutationGrantBatchArgs = {
  input: BatchGrantInput;
};


/** The mutation root, merged the same way. */
export type MutationInviteUserArgs = {
  input: InviteUserInput;
};


/** The mutation root, merged the same way. */
export type MutationLoginArgs = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationMarkCashoutPaidArgs = {
  id: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationOpenDisputeArgs = {
  reason: Scalars['String']['input'];
  topupId: Scalars['ID']['input'];
};


/** The mutation root, merged the same way. */
export type MutationQuoteRecycleArgs = {
  faceValue: Scalars['Money']['input'];
};


/** The mutation root, merged the same way. */
export type MutationRejectCashoutArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationRejectPurchaseArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationRejectRecycleArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationRejectTopupArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationReplayWebhookDeliveryArgs = {
  id: Scalars['ID']['input'];
};


/** The mutation root, merged the same way. */
export type MutationRequestPurchaseArgs = {
  faceValue: Scalars['Money']['input'];
  idempotencyKey: Scalars['String']['input'];
  price: Scalars['Money']['input'];
  supplier: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationRequestTopupCodeArgs = {
  phone: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationResolveDisputeArgs = {
  id: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
  refund: Scalars['Boolean']['input'];
  resolution: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationReverseEntryArgs = {
  id: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
  reason: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationRevokeApiKeyArgs = {
  id: Scalars['ID']['input'];
};


/** The mutation root, merged the same way. */
export type MutationSendTestWebhookArgs = {
  endpointId: Scalars['ID']['input'];
};


/** The mutation root, merged the same way. */
export type MutationSetSchedulePausedArgs = {
  id: Scalars['ID']['input'];
  paused: Scalars['Boolean']['input'];
};


/** The mutation root, merged the same way. */
export type MutationSetUserRolesArgs = {
  id: Scalars['ID']['input'];
  roles: Array<Role>;
};


/** The mutation root, merged the same way. */
export type MutationTopupArgs = {
  amount: Scalars['Money']['input'];
  code?: InputMaybe<Scalars['String']['input']>;
  idempotencyKey: Scalars['String']['input'];
  phone: Scalars['String']['input'];
};


/** The mutation root, merged the same way. */
export type MutationTopupForArgs = {
  amount: Scalars['Money']['input'];
  employeeId: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
  phone?: InputMaybe<Scalars['String']['input']>;
};


/** The mutation root, merged the same way. */
export type MutationUpdateMyNotificationSettingsArgs = {
  settings: Array<NotificationSettingInput>;
};


/** The mutation root, merged the same way. */
export type MutationUpdatePolicyArgs = {
  input: PolicyInput;
};


/** The mutation root, merged the same way. */
export type MutationUpdateUserArgs = {
  id: Scalars['ID']['input'];
  input: UpdateUserInput;
};


/** The mutation root, merged the same way. */
export type MutationUpdateWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
  input: UpdateWebhookEndpointInput;
};

/** One kind of notification mail and whether the signed-in user gets it. */
export type NotificationSetting = {
  description: Scalars['String']['output'];
  enabled: Scalars['Boolean']['output'];
  /** e.g. `topup_result`. */
  kind: Scalars['String']['output'];
  /** Always sent (invitations, one-time codes, security notices); cannot be switched off. */
  mandatory: Scalars['Boolean']['output'];
};

export type NotificationSettingInput = {
  enabled: Scalars['Boolean']['input'];
  kind: Scalars['String']['input'];
};

export type OperatorInfo = {
  /** CHINA_MOBILE, CHINA_UNICOM, CHINA_TELECOM or CHINA_BROADNET. */
  operator: Scalars['String']['output'];
  operatorNameEn: Scalars['String']['output'];
  operatorNameZh: Scalars['String']['output'];
  /** The number, normalised to 11 digits. */
  phone: Scalars['String']['output'];
};

export type PageInfo = {
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Policy = {
  cashoutEnabled: Scalars['Boolean']['output'];
  cashoutRate: Scalars['Rate']['output'];
  cashoutReviewThreshold: Scalars['Money']['output'];
  lowPoolThreshold: Scalars['Money']['output'];
  purchaseApprovalThreshold: Scalars['Money']['output'];
  recycleFee: Scalars['Money']['output'];
  recycleRate: Scalars['Rate']['output'];
  recycleReviewThreshold: Scalars['Money']['output'];
  settlementDelayDays: Scalars['Int']['output'];
  tenantDailyCap: Scalars['Money']['output'];
  topupDailyLimit: Scalars['Money']['output'];
  topupMonthlyLimit: Scalars['Money']['output'];
  topupSingleMax: Scalars['Money']['output'];
  velocityMaxTopups: Scalars['Int']['output'];
  velocityWindowMinutes: Scalars['Int']['output'];
};

export type PolicyInput = {
  cashoutEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  cashoutRate?: InputMaybe<Scalars['Rate']['input']>;
  cashoutReviewThreshold?: InputMaybe<Scalars['Money']['input']>;
  lowPoolThreshold?: InputMaybe<Scalars['Money']['input']>;
  purchaseApprovalThreshold?: InputMaybe<Scalars['Money']['input']>;
  recycleFee?: InputMaybe<Scalars['Money']['input']>;
  recycleRate?: InputMaybe<Scalars['Rate']['input']>;
  recycleReviewThreshold?: InputMaybe<Scalars['Money']['input']>;
  settlementDelayDays?: InputMaybe<Scalars['Int']['input']>;
  tenantDailyCap?: InputMaybe<Scalars['Money']['input']>;
  topupDailyLimit?: InputMaybe<Scalars['Money']['input']>;
  topupMonthlyLimit?: InputMaybe<Scalars['Money']['input']>;
  topupSingleMax?: InputMaybe<Scalars['Money']['input']>;
  velocityMaxTopups?: InputMaybe<Scalars['Int']['input']>;
  velocityWindowMinutes?: InputMaybe<Scalars['Int']['input']>;
};

export type Posting = {
  accountId: Scalars['ID']['output'];
  accountKind: AccountKind;
  accountName: Scalars['String']['output'];
  /** Signed: negative leaves the account. */
  amount: Scalars['Money']['output'];
  asset: Asset;
};

export type PurchaseOrder = {
  createdAt: Scalars['DateTime']['output'];
  decidedAt?: Maybe<Scalars['DateTime']['output']>;
  decidedBy?: Maybe<User>;
  entry?: Maybe<Entry>;
  faceValue: Scalars['Money']['output'];
  id: Scalars['ID']['output'];
  price: Scalars['Money']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  requestedBy: User;
  status: PurchaseStatus;
  supplier: Scalars['String']['output'];
};

export type PurchaseStatus =
  | 'APPROVED'
  | 'PENDING_APPROVAL'
  | 'REJECTED';

/** The query root, merged from one object per area so each area keeps its own file. */
export type Query = {
  account: Account;
  /** Ledger accounts (accounts.read), in creation order. */
  accounts: AccountConnection;
  /** The tenant's API keys (apikeys.manage). */
  apiKeys: Array<ApiKey>;
  /** The audit log (audit.read), newest first. */
  auditLog: AuditEventConnection;
  /** Employee cash-outs (payouts.read), newest first. */
  cashouts: Array<Cashout>;
  /** Disputes: all of them (disputes.read) or the caller's own. */
  disputes: Array<Dispute>;
  /** Journal entries (entries.read), newest first. */
  entries: EntryConnection;
  entry: Entry;
  /** The signed-in employee's cash-outs (cashouts.own), newest first. */
  myCashouts: Array<Cashout>;
  /** The signed-in user's notification mail choices (notifications.own). */
  myNotificationSettings: Array<NotificationSetting>;
  /** The signed-in employee's own top-ups. */
  myTopups: Array<Topup>;
  /** The signed-in employee's wallet (wallet.own). */
  myWallet: Wallet;
  /** The operator of a mainland mobile number, from its prefix (号段). */
  operatorOf: OperatorInfo;
  purchaseOrder: PurchaseOrder;
  /** Purchase orders (purchases.read), newest first. */
  purchaseOrders: Array<PurchaseOrder>;
  /**
   * Compares the carrier's view of every top-up with the ledger (ledger.verify); empty
   * when they agree.
   */
  reconciliation: Array<ReconciliationMismatch>;
  recycle: Recycle;
  /** Recycles of pool credit (recycles.read), newest first. */
  recycles: Array<Recycle>;
  /** Top-ups waiting for a finance decision (reviews.decide). */
  reviewQueue: Array<Topup>;
  /** Allowance schedules (schedules.read). */
  schedules: Array<AllowanceSchedule>;
  tenant: Tenant;
  /** One top-up (topups.read, or one's own). */
  topupById: Topup;
  /** Top-ups of the tenant (topups.read), newest first. */
  topups: Array<Topup>;
  user: User;
  /** Users and employees of the tenant (users.read), in creation order. */
  users: UserConnection;
  /** Checks every ledger invariant and the audit chain of the tenant (ledger.verify). */
  verify: VerifyReport;
  /** Who is asking: the signed-in user or API key, their tenant and permissions. */
  viewer: Viewer;
  /** A settlement voucher by its number (recycles.read); null when there is none. */
  voucher?: Maybe<Voucher>;
  /** The delivery log, newest first (webhooks.manage). */
  webhookDeliveries: WebhookDeliveryConnection;
  /** The tenant's webhook endpoints (webhooks.manage). */
  webhookEndpoints: Array<WebhookEndpoint>;
  /** Every event an endpoint can subscribe to. */
  webhookEvents: Array<Scalars['String']['output']>;
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryAccountArgs = {
  id: Scalars['ID']['input'];
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryAccountsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  kind?: InputMaybe<AccountKind>;
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryAuditLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryCashoutsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<CashoutStatus>;
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryDisputesArgs = {
  status?: InputMaybe<Scalars['String']['input']>;
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryEntriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<EntryFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryEntryArgs = {
  id: Scalars['ID']['input'];
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryMyCashoutsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryMyTopupsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryOperatorOfArgs = {
  phone: Scalars['String']['input'];
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryPurchaseOrderArgs = {
  id: Scalars['ID']['input'];
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryPurchaseOrdersArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<PurchaseStatus>;
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryRecycleArgs = {
  id: Scalars['ID']['input'];
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryRecyclesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<RecycleStatus>;
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryTopupByIdArgs = {
  id: Scalars['ID']['input'];
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryTopupsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<TopupStatus>;
  userId?: InputMaybe<Scalars['ID']['input']>;
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<UserFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryVoucherArgs = {
  number: Scalars['String']['input'];
};


/** The query root, merged from one object per area so each area keeps its own file. */
export type QueryWebhookDeliveriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  endpointId?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<WebhookDeliveryStatus>;
};

export type ReconciliationMismatch = {
  carrier: Scalars['String']['output'];
  ledger: Scalars['String']['output'];
  topupId: Scalars['ID']['output'];
};

export type Recycle = {
  createdAt: Scalars['DateTime']['output'];
  decidedAt?: Maybe<Scalars['DateTime']['output']>;
  decidedBy?: Maybe<User>;
  /** The RECYCLE_HOLD entry: pending until settlement, voided on rejection or cancellation. */
  entry: Entry;
  faceValue: Scalars['Money']['output'];
  fee: Scalars['Money']['output'];
  gross: Scalars['Money']['output'];
  id: Scalars['ID']['output'];
  net: Scalars['Money']['output'];
  quoteId: Scalars['ID']['output'];
  rate: Scalars['Rate']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  /** Who confirmed it (a user id or an API key's label). */
  requestedBy: Scalars['String']['output'];
  /** faceValue × rate − gross, exactly, in yuan with six decimal places. */
  roundingRemainder: Scalars['String']['output'];
  /** When it becomes due; null while under review. */
  settleAfter?: Maybe<Scalars['DateTime']['output']>;
  settledAt?: Maybe<Scalars['DateTime']['output']>;
  status: RecycleStatus;
  /** The receipt, once settled. */
  voucher?: Maybe<Voucher>;
};

export type RecycleQuote = {
  createdAt: Scalars['DateTime']['output'];
  expiresAt: Scalars['DateTime']['output'];
  /** The pool credit to sell. */
  faceValue: Scalars['Money']['output'];
  fee: Scalars['Money']['output'];
  /** faceValue × rate, rounded half-up to the fen. */
  gross: Scalars['Money']['output'];
  id: Scalars['ID']['output'];
  /** What the funding account receives at settlement: gross − fee. */
  net: Scalars['Money']['output'];
  /** The disclosed recycle rate. */
  rate: Scalars['Rate']['output'];
  /** faceValue × rate − gross, exactly, in yuan with six decimal places. */
  roundingRemainder: Scalars['String']['output'];
  /** Days between confirmation and settlement (0: settled at the next run). */
  settlementDelayDays: Scalars['Int']['output'];
  used: Scalars['Boolean']['output'];
};

export type RecycleStatus =
  | 'CANCELLED'
  /** Held, waiting for its settlement date. */
  | 'HELD'
  | 'REJECTED'
  /** Held, waiting for a finance decision (above the review threshold). */
  | 'REVIEW'
  | 'SETTLED';

export type Role =
  | 'AUDITOR'
  | 'EMPLOYEE'
  | 'FINANCE'
  | 'HR_ADMIN'
  | 'OWNER';

export type ScheduleFrequency =
  | 'MONTHLY'
  | 'ONCE'
  | 'WEEKLY';

export type ScheduleInput = {
  amount: Scalars['Money']['input'];
  /** 1-31 for MONTHLY (clamped to short months). */
  dayOfMonth?: InputMaybe<Scalars['Int']['input']>;
  /** 1 (Monday) to 7 (Sunday) for WEEKLY. */
  dayOfWeek?: InputMaybe<Scalars['Int']['input']>;
  department?: InputMaybe<Scalars['String']['input']>;
  employeeIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  expireAtPeriodEnd?: Scalars['Boolean']['input'];
  /** Days the credit lives, unless it expires at the period's end. */
  expiryDays?: InputMaybe<Scalars['Int']['input']>;
  frequency: ScheduleFrequency;
  name: Scalars['String']['input'];
  /** For ONCE. */
  runAt?: InputMaybe<Scalars['DateTime']['input']>;
  target: ScheduleTarget;
};

export type ScheduleTarget =
  | 'ALL'
  | 'DEPARTMENT'
  | 'LIST';

export type Session = {
  csrfToken: Scalars['String']['output'];
  expiresAt: Scalars['DateTime']['output'];
  /** For API clients; the web app uses the HttpOnly cookie instead. */
  token: Scalars['String']['output'];
  user: User;
};

export type SweepResult = {
  lots: Scalars['Int']['output'];
  total: Scalars['Money']['output'];
};

export type Template =
  | 'CASHOUT'
  | 'EXPIRE'
  | 'FUND'
  | 'GRANT'
  | 'PAYOUT'
  | 'PURCHASE'
  | 'RECLAIM'
  | 'RECYCLE_HOLD'
  | 'REVERSAL'
  | 'TOPUP_HOLD';

export type Tenant = {
  /** Headline balances (tenant.read). */
  balances: TenantBalances;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** The tenant's risk policy and limits (policy.read, or any employee). */
  policy: Policy;
  slug: Scalars['String']['output'];
  /** IANA time zone, e.g. "Asia/Shanghai". */
  timezone: Scalars['String']['output'];
};

export type TenantBalances = {
  funding: Scalars['Money']['output'];
  granted: Scalars['Money']['output'];
  payout: Scalars['Money']['output'];
  pool: Scalars['Money']['output'];
};

export type Topup = {
  amount: Scalars['Money']['output'];
  /** Carrier calls made so far. */
  attempts: Scalars['Int']['output'];
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  createdAt: Scalars['DateTime']['output'];
  /** The hold (posted when delivered, voided when failed). */
  entry: Entry;
  failureReason?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** CHINA_MOBILE, CHINA_UNICOM, CHINA_TELECOM or CHINA_BROADNET. */
  operator: Scalars['String']['output'];
  phone: Scalars['String']['output'];
  reviewReason?: Maybe<Scalars['String']['output']>;
  status: TopupStatus;
  user: User;
};

export type TopupStatus =
  | 'FAILED'
  | 'PENDING'
  | 'REJECTED'
  | 'REVIEW'
  | 'SUCCEEDED';

export type UpdateUserInput = {
  costCenter?: InputMaybe<Scalars['String']['input']>;
  department?: InputMaybe<Scalars['String']['input']>;
  locale?: InputMaybe<Locale>;
  name?: InputMaybe<Scalars['String']['input']>;
  phone?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateWebhookEndpointInput = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  /** Replaces the filter; an empty list means every event. */
  events?: InputMaybe<Array<Scalars['String']['input']>>;
  url?: InputMaybe<Scalars['String']['input']>;
};

export type User = {
  costCenter?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  department?: Maybe<Scalars['String']['output']>;
  email: Scalars['String']['output'];
  employeeNo?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  lastLoginAt?: Maybe<Scalars['DateTime']['output']>;
  locale: Locale;
  name: Scalars['String']['output'];
  /** The employee's registered phone number (11 digits). */
  phone?: Maybe<Scalars['String']['output']>;
  roles: Array<Role>;
  status: UserStatus;
  /** The wallet of an employee; null for staff without the EMPLOYEE role. */
  wallet?: Maybe<Wallet>;
};

export type UserConnection = {
  edges: Array<UserEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type UserEdge = {
  cursor: Scalars['String']['output'];
  node: User;
};

export type UserFilter = {
  department?: InputMaybe<Scalars['String']['input']>;
  role?: InputMaybe<Role>;
  /** Matches name, email or employee number. */
  search?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<UserStatus>;
};

export type UserStatus =
  | 'ACTIVE'
  | 'DEACTIVATED'
  | 'INVITED';

export type VerifyReport = {
  accountsChecked: Scalars['Int']['output'];
  auditEventsChecked: Scalars['Int']['output'];
  checkedAt: Scalars['DateTime']['output'];
  entriesChecked: Scalars['Int']['output'];
  ok: Scalars['Boolean']['output'];
  violations: Array<Violation>;
};

export type Viewer = {
  apiKey?: Maybe<ApiKey>;
  csrfToken?: Maybe<Scalars['String']['output']>;
  /** Dotted permission names, e.g. "grants.create". */
  permissions: Array<Scalars['String']['output']>;
  tenant: Tenant;
  user?: Maybe<User>;
};

export type Violation = {
  check: Scalars['String']['output'];
  detail: Scalars['String']['output'];
};

export type Voucher = {
  /** Canonical `key=value` lines: the bytes the hash covers. */
  content: Scalars['String']['output'];
  /** SHA-256 of `content`, lower-case hex. */
  hash: Scalars['String']['output'];
  issuedAt: Scalars['DateTime']['output'];
  /** Stable per tenant and gap-free, e.g. "RV-2026-000001". */
  number: Scalars['String']['output'];
  recycleId: Scalars['ID']['output'];
  /** Whether the stored content still matches its hash (tamper evidence). */
  verified: Scalars['Boolean']['output'];
};

export type Wallet = {
  accountId: Scalars['ID']['output'];
  /** What can be spent now: free credit in unexpired lots. */
  available: Scalars['Money']['output'];
  /** Posted credit, including credit held by top-ups in flight and expired lots not yet swept. */
  balance: Scalars['Money']['output'];
  /** The wallet's history, newest first. */
  entries: EntryConnection;
  /** Reserved by pending top-ups and cash-outs. */
  held: Scalars['Money']['output'];
  lots: Array<Lot>;
  nextExpiry?: Maybe<Scalars['DateTime']['output']>;
  nextExpiryAmount?: Maybe<Scalars['Money']['output']>;
};


export type WalletEntriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type WalletLotsArgs = {
  includeEmpty?: Scalars['Boolean']['input'];
};

/** One event sent (or to be sent) to one endpoint. */
export type WebhookDelivery = {
  attempts: Scalars['Int']['output'];
  createdAt: Scalars['DateTime']['output'];
  deliveredAt?: Maybe<Scalars['DateTime']['output']>;
  endpointId: Scalars['ID']['output'];
  /** e.g. `topup.succeeded`, or `webhook.test`. */
  event: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  lastError?: Maybe<Scalars['String']['output']>;
  /** The HTTP status of the last answer, if there was one. */
  lastStatusCode?: Maybe<Scalars['Int']['output']>;
  nextAttemptAt: Scalars['DateTime']['output'];
  /** The JSON body as sent. */
  payload: Scalars['String']['output'];
  status: WebhookDeliveryStatus;
};

export type WebhookDeliveryConnection = {
  edges: Array<WebhookDeliveryEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type WebhookDeliveryEdge = {
  cursor: Scalars['String']['output'];
  node: WebhookDelivery;
};

export type WebhookDeliveryStatus =
  /** The endpoint answered 2xx. */
  | 'DELIVERED'
  /** Every attempt failed; a replay can still send it. */
  | 'FAILED'
  /** Waiting for its first attempt or for a retry. */
  | 'PENDING';

/** An ERP endpoint that receives signed event callbacks. */
export type WebhookEndpoint = {
  active: Scalars['Boolean']['output'];
  createdAt: Scalars['DateTime']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /** The events it receives; empty means every event. */
  events: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  updatedAt: Scalars['DateTime']['output'];
  url: Scalars['String']['output'];
};

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { csrfToken?: string | null, permissions: Array<string>, user?: { id: string, email: string, name: string, roles: Array<Role>, status: UserStatus, phone?: string | null, department?: string | null, employeeNo?: string | null, locale: Locale } | null, apiKey?: { id: string, name: string } | null, tenant: { id: string, name: string, slug: string, timezone: string } } };

export type LoginMutationVariables = Exact<{
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
}>;


export type LoginMutation = { login: { csrfToken: string, expiresAt: string, user: { id: string, name: string } } };

export type LogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type LogoutMutation = { logout: boolean };

export type ChangePasswordMutationVariables = Exact<{
  current: Scalars['String']['input'];
  new: Scalars['String']['input'];
}>;


export type ChangePasswordMutation = { changePassword: boolean };

export type AcceptInvitationMutationVariables = Exact<{
  token: Scalars['String']['input'];
  password: Scalars['String']['input'];
}>;


export type AcceptInvitationMutation = { acceptInvitation: { csrfToken: string, expiresAt: string, user: { id: string, name: string } } };

export type TenantBalancesQueryVariables = Exact<{ [key: string]: never; }>;


export type TenantBalancesQuery = { tenant: { id: string, balances: { funding: string, pool: string, granted: string, payout: string } } };

export type PolicyQueryVariables = Exact<{ [key: string]: never; }>;


export type PolicyQuery = { tenant: { id: string, policy: { topupDailyLimit: string, topupMonthlyLimit: string, topupSingleMax: string, tenantDailyCap: string, purchaseApprovalThreshold: string, recycleReviewThreshold: string, cashoutReviewThreshold: string, velocityMaxTopups: number, velocityWindowMinutes: number, recycleRate: string, recycleFee: string, settlementDelayDays: number, cashoutEnabled: boolean, cashoutRate: string, lowPoolThreshold: string } } };

export type UpdatePolicyMutationVariables = Exact<{
  input: PolicyInput;
}>;


export type UpdatePolicyMutation = { updatePolicy: { topupDailyLimit: string, topupMonthlyLimit: string, topupSingleMax: string, tenantDailyCap: string, purchaseApprovalThreshold: string, recycleReviewThreshold: string, cashoutReviewThreshold: string, velocityMaxTopups: number, velocityWindowMinutes: number, recycleRate: string, recycleFee: string, settlementDelayDays: number, cashoutEnabled: boolean, cashoutRate: string, lowPoolThreshold: string } };

export type UsersQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<UserFilter>;
}>;


export type UsersQuery = { users: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ cursor: string, node: { id: string, email: string, name: string, roles: Array<Role>, status: UserStatus, employeeNo?: string | null, phone?: string | null, department?: string | null, costCenter?: string | null, createdAt: string, lastLoginAt?: string | null, wallet?: { accountId: string, balance: string, available: string, nextExpiry?: string | null } | null } }> } };

export type UserDetailQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type UserDetailQuery = { user: { id: string, email: string, name: string, roles: Array<Role>, status: UserStatus, employeeNo?: string | null, phone?: string | null, department?: string | null, costCenter?: string | null, locale: Locale, createdAt: string, lastLoginAt?: string | null, wallet?: { accountId: string, balance: string, available: string, held: string, nextExpiry?: string | null, nextExpiryAmount?: string | null, lots: Array<{ id: string, original: string, remaining: string, held: string, expiresAt: string, createdAt: string, memo?: string | null, expired: boolean }>, entries: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ cursor: string, node: { id: string, template: Template, status: EntryStatus, memo?: string | null, amount: string, createdAt: string, createdBy: string, batchId?: string | null } }> } } | null } };

export type InviteUserMutationVariables = Exact<{
  input: InviteUserInput;
}>;


export type InviteUserMutation = { inviteUser: { id: string, email: string, name: string, roles: Array<Role>, status: UserStatus } };

export type UpdateUserMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  input: UpdateUserInput;
}>;


export type UpdateUserMutation = { updateUser: { id: string, name: string, phone?: string | null, department?: string | null, costCenter?: string | null, locale: Locale } };

export type SetUserRolesMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  roles: Array<Role> | Role;
}>;


export type SetUserRolesMutation = { setUserRoles: { id: string, roles: Array<Role> } };

export type DeactivateUserMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type DeactivateUserMutation = { deactivateUser: { id: string, status: UserStatus, wallet?: { balance: string } | null } };

export type EntriesQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<EntryFilter>;
}>;


export type EntriesQuery = { entries: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ cursor: string, node: { id: string, template: Template, status: EntryStatus, memo?: string | null, amount: string, createdAt: string, postedAt?: string | null, voidedAt?: string | null, createdBy: string, batchId?: string | null, reversesId?: string | null, reversedById?: string | null, idempotencyKey: string, postings: Array<{ accountId: string, accountKind: AccountKind, accountName: string, asset: Asset, amount: string }> } }> } };

export type AccountsQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  kind?: InputMaybe<AccountKind>;
}>;


export type AccountsQuery = { accounts: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ cursor: string, node: { id: string, kind: AccountKind, asset: Asset, owner?: string | null, name: string, posted: string, pendingOut: string, pendingIn: string, available: string } }> } };

export type FundMutationVariables = Exact<{
  input: FundInput;
}>;


export type FundMutation = { fund: { id: string, amount: string, status: EntryStatus, createdAt: string } };

export type GrantMutationVariables = Exact<{
  input: GrantInput;
}>;


export type GrantMutation = { grant: { entry: { id: string, amount: string, status: EntryStatus }, lot: { id: string, remaining: string, expiresAt: string } } };

export type GrantBatchMutationVariables = Exact<{
  input: BatchGrantInput;
}>;


export type GrantBatchMutation = { grantBatch: { batchId: string, count: number, total: string } };

export type ReverseEntryMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type ReverseEntryMutation = { reverseEntry: { id: string, status: EntryStatus, reversesId?: string | null } };

export type AuditLogQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditFilter>;
}>;


export type AuditLogQuery = { auditLog: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ cursor: string, node: { id: string, seq: number, at: string, actor: string, action: string, target?: string | null, outcome: string, ip?: string | null, details?: string | null, hash: string } }> } };

export type VerifyQueryVariables = Exact<{ [key: string]: never; }>;


export type VerifyQuery = { verify: { ok: boolean, checkedAt: string, entriesChecked: number, accountsChecked: number, auditEventsChecked: number, violations: Array<{ check: string, detail: string }> } };

export type ApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiKeysQuery = { apiKeys: Array<{ id: string, name: string, prefix: string, roles: Array<Role>, createdAt: string, lastUsedAt?: string | null, revokedAt?: string | null }> };

export type CreateApiKeyMutationVariables = Exact<{
  name: Scalars['String']['input'];
  roles: Array<Role> | Role;
}>;


export type CreateApiKeyMutation = { createApiKey: { secret: string, apiKey: { id: string, name: string, prefix: string, roles: Array<Role>, createdAt: string } } };

export type RevokeApiKeyMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RevokeApiKeyMutation = { revokeApiKey: { id: string, revokedAt?: string | null } };

export type OperatorOfQueryVariables = Exact<{
  phone: Scalars['String']['input'];
}>;


export type OperatorOfQuery = { operatorOf: { operator: string, operatorNameZh: string, operatorNameEn: string, phone: string } };

export type MyWalletQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type MyWalletQuery = { myWallet: { accountId: string, balance: string, available: string, held: string, nextExpiry?: string | null, nextExpiryAmount?: string | null, lots: Array<{ id: string, original: string, remaining: string, held: string, expiresAt: string, createdAt: string, memo?: string | null, expired: boolean }>, entries: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ cursor: string, node: { id: string, template: Template, status: EntryStatus, memo?: string | null, amount: string, createdAt: string } }> } } };

export type PurchaseOrdersQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<PurchaseStatus>;
}>;


export type PurchaseOrdersQuery = { purchaseOrders: Array<{ id: string, faceValue: string, price: string, supplier: string, status: PurchaseStatus, reason?: string | null, createdAt: string, decidedAt?: string | null, requestedBy: { id: string, name: string }, decidedBy?: { id: string, name: string } | null, entry?: { id: string } | null }> };

export type RequestPurchaseMutationVariables = Exact<{
  faceValue: Scalars['Money']['input'];
  price: Scalars['Money']['input'];
  supplier: Scalars['String']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type RequestPurchaseMutation = { requestPurchase: { id: string, status: PurchaseStatus } };

export type ApprovePurchaseMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type ApprovePurchaseMutation = { approvePurchase: { id: string, status: PurchaseStatus, decidedAt?: string | null } };

export type RejectPurchaseMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
}>;


export type RejectPurchaseMutation = { rejectPurchase: { id: string, status: PurchaseStatus, reason?: string | null } };

export type MyTopupsQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type MyTopupsQuery = { myTopups: Array<{ id: string, phone: string, operator: string, amount: string, status: TopupStatus, reviewReason?: string | null, failureReason?: string | null, createdAt: string, completedAt?: string | null }> };

export type RequestTopupCodeMutationVariables = Exact<{
  phone: Scalars['String']['input'];
}>;


export type RequestTopupCodeMutation = { requestTopupCode: boolean };

export type TopupMutationVariables = Exact<{
  phone: Scalars['String']['input'];
  amount: Scalars['Money']['input'];
  code?: InputMaybe<Scalars['String']['input']>;
  idempotencyKey: Scalars['String']['input'];
}>;


export type TopupMutation = { topup: { id: string, phone: string, operator: string, amount: string, status: TopupStatus, reviewReason?: string | null, failureReason?: string | null, createdAt: string } };

export type SchedulesQueryVariables = Exact<{ [key: string]: never; }>;


export type SchedulesQuery = { schedules: Array<{ id: string, name: string, amount: string, frequency: ScheduleFrequency, dayOfMonth?: number | null, dayOfWeek?: number | null, target: ScheduleTarget, department?: string | null, employeeIds?: Array<string> | null, expiryDays?: number | null, expireAtPeriodEnd: boolean, paused: boolean, nextRunAt?: string | null, lastError?: string | null, runs: Array<{ id: string, period: string, startedAt: string, finishedAt?: string | null, count: number, total: string, status: string, error?: string | null }> }> };

export type CreateScheduleMutationVariables = Exact<{
  input: ScheduleInput;
}>;


export type CreateScheduleMutation = { createSchedule: { id: string, name: string } };

export type SetSchedulePausedMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  paused: Scalars['Boolean']['input'];
}>;


export type SetSchedulePausedMutation = { setSchedulePaused: { id: string, paused: boolean, nextRunAt?: string | null } };

export type RunExpirySweepMutationVariables = Exact<{ [key: string]: never; }>;


export type RunExpirySweepMutation = { runExpirySweep: { lots: number, total: string } };

export type RecyclesQueryVariables = Exact<{
  status?: InputMaybe<RecycleStatus>;
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type RecyclesQuery = { recycles: Array<{ id: string, faceValue: string, rate: string, gross: string, fee: string, net: string, status: RecycleStatus, requestedBy: string, reason?: string | null, settleAfter?: string | null, settledAt?: string | null, createdAt: string, decidedAt?: string | null, decidedBy?: { id: string, name: string } | null, voucher?: { number: string, issuedAt: string } | null }> };

export type QuoteRecycleMutationVariables = Exact<{
  faceValue: Scalars['Money']['input'];
}>;


export type QuoteRecycleMutation = { quoteRecycle: { id: string, faceValue: string, rate: string, gross: string, fee: string, net: string, settlementDelayDays: number, expiresAt: string } };

export type ConfirmRecycleMutationVariables = Exact<{
  quoteId: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type ConfirmRecycleMutation = { confirmRecycle: { id: string, status: RecycleStatus, net: string, settleAfter?: string | null } };

export type ApproveRecycleMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ApproveRecycleMutation = { approveRecycle: { id: string, status: RecycleStatus, settleAfter?: string | null } };

export type RejectRecycleMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
}>;


export type RejectRecycleMutation = { rejectRecycle: { id: string, status: RecycleStatus, reason?: string | null } };

export type CancelRecycleMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
}>;


export type CancelRecycleMutation = { cancelRecycle: { id: string, status: RecycleStatus, reason?: string | null } };

export type VoucherQueryVariables = Exact<{
  number: Scalars['String']['input'];
}>;


export type VoucherQuery = { voucher?: { number: string, hash: string, issuedAt: string, content: string, verified: boolean, recycleId: string } | null };

export type ReviewQueueQueryVariables = Exact<{ [key: string]: never; }>;


export type ReviewQueueQuery = { reviewQueue: Array<{ id: string, phone: string, operator: string, amount: string, status: TopupStatus, reviewReason?: string | null, createdAt: string, user: { id: string, name: string, employeeNo?: string | null } }> };

export type ApproveTopupMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ApproveTopupMutation = { approveTopup: { id: string, status: TopupStatus } };

export type RejectTopupMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
}>;


export type RejectTopupMutation = { rejectTopup: { id: string, status: TopupStatus } };

export type ReconciliationQueryVariables = Exact<{ [key: string]: never; }>;


export type ReconciliationQuery = { reconciliation: Array<{ topupId: string, ledger: string, carrier: string }> };

export type DisputesQueryVariables = Exact<{
  status?: InputMaybe<Scalars['String']['input']>;
}>;


export type DisputesQuery = { disputes: Array<{ id: string, reason: string, status: string, resolution?: string | null, createdAt: string, resolvedAt?: string | null, topup: { id: string, phone: string, operator: string, amount: string, createdAt: string, status: TopupStatus, user: { id: string, name: string } } }> };

export type OpenDisputeMutationVariables = Exact<{
  topupId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
}>;


export type OpenDisputeMutation = { openDispute: { id: string, status: string } };

export type ResolveDisputeMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  refund: Scalars['Boolean']['input'];
  resolution: Scalars['String']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type ResolveDisputeMutation = { resolveDispute: { id: string, status: string, resolution?: string | null } };

export type CashoutsQueryVariables = Exact<{
  status?: InputMaybe<CashoutStatus>;
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type CashoutsQuery = { cashouts: Array<{ id: string, credit: string, rate: string, cash: string, status: CashoutStatus, reason?: string | null, createdAt: string, decidedAt?: string | null, paidAt?: string | null, employee: { id: string, name: string, employeeNo?: string | null } }> };

export type MyCashoutsQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type MyCashoutsQuery = { myCashouts: Array<{ id: string, credit: string, rate: string, cash: string, status: CashoutStatus, reason?: string | null, createdAt: string, paidAt?: string | null }> };

export type CashoutMutationVariables = Exact<{
  amount: Scalars['Money']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type CashoutMutation = { cashout: { id: string, credit: string, rate: string, cash: string, status: CashoutStatus } };

export type ApproveCashoutMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ApproveCashoutMutation = { approveCashout: { id: string, status: CashoutStatus } };

export type RejectCashoutMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
}>;


export type RejectCashoutMutation = { rejectCashout: { id: string, status: CashoutStatus, reason?: string | null } };

export type MarkCashoutPaidMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type MarkCashoutPaidMutation = { markCashoutPaid: { id: string, status: CashoutStatus, paidAt?: string | null } };

export type TopupForMutationVariables = Exact<{
  employeeId: Scalars['ID']['input'];
  phone?: InputMaybe<Scalars['String']['input']>;
  amount: Scalars['Money']['input'];
  idempotencyKey: Scalars['String']['input'];
}>;


export type TopupForMutation = { topupFor: { id: string, phone: string, operator: string, amount: string, status: TopupStatus, reviewReason?: string | null, failureReason?: string | null, createdAt: string } };

export type WebhookEndpointsQueryVariables = Exact<{ [key: string]: never; }>;


export type WebhookEndpointsQuery = { webhookEvents: Array<string>, webhookEndpoints: Array<{ id: string, url: string, events: Array<string>, description?: string | null, active: boolean, createdAt: string, updatedAt: string }> };

export type WebhookDeliveriesQueryVariables = Exact<{
  endpointId?: InputMaybe<Scalars['ID']['input']>;
  status?: InputMaybe<WebhookDeliveryStatus>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type WebhookDeliveriesQuery = { webhookDeliveries: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ cursor: string, node: { id: string, endpointId: string, event: string, payload: string, status: WebhookDeliveryStatus, attempts: number, nextAttemptAt: string, lastStatusCode?: number | null, lastError?: string | null, createdAt: string, deliveredAt?: string | null } }> } };

export type CreateWebhookEndpointMutationVariables = Exact<{
  input: CreateWebhookEndpointInput;
}>;


export type CreateWebhookEndpointMutation = { createWebhookEndpoint: { secret: string, endpoint: { id: string, url: string, events: Array<string>, description?: string | null, active: boolean, createdAt: string, updatedAt: string } } };

export type UpdateWebhookEndpointMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  input: UpdateWebhookEndpointInput;
}>;


export type UpdateWebhookEndpointMutation = { updateWebhookEndpoint: { id: string, url: string, events: Array<string>, description?: string | null, active: boolean, updatedAt: string } };

export type DeleteWebhookEndpointMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeleteWebhookEndpointMutation = { deleteWebhookEndpoint: boolean };

export type ReplayWebhookDeliveryMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ReplayWebhookDeliveryMutation = { replayWebhookDelivery: { id: string, status: WebhookDeliveryStatus, attempts: number, lastStatusCode?: number | null, lastError?: string | null, deliveredAt?: string | null } };

export type SendTestWebhookMutationVariables = Exact<{
  endpointId: Scalars['ID']['input'];
}>;


export type SendTestWebhookMutation = { sendTestWebhook: { id: string, event: string, status: WebhookDeliveryStatus, attempts: number, createdAt: string } };

export type MyNotificationSettingsQueryVariables = Exact<{ [key: string]: never; }>;


export type MyNotificationSettingsQuery = { myNotificationSettings: Array<{ kind: string, description: string, enabled: boolean, mandatory: boolean }> };

export type UpdateMyNotificationSettingsMutationVariables = Exact<{
  settings: Array<NotificationSettingInput> | NotificationSettingInput;
}>;


export type UpdateMyNotificationSettingsMutation = { updateMyNotificationSettings: Array<{ kind: string, description: string, enabled: boolean, mandatory: boolean }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    csrfToken
    permissions
    user {
      id
      email
      name
      roles
      status
      phone
      department
      employeeNo
      locale
    }
    apiKey {
      id
      name
    }
    tenant {
      id
      name
      slug
      timezone
    }
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const LoginDocument = new TypedDocumentString(`
    mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    csrfToken
    expiresAt
    user {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<LoginMutation, LoginMutationVariables>;
export const LogoutDocument = new TypedDocumentString(`
    mutation Logout {
  logout
}
    `) as unknown as TypedDocumentString<LogoutMutation, LogoutMutationVariables>;
export const ChangePasswordDocument = new TypedDocumentString(`
    mutation ChangePassword($current: String!, $new: String!) {
  changePassword(current: $current, new: $new)
}
    `) as unknown as TypedDocumentString<ChangePasswordMutation, ChangePasswordMutationVariables>;
export const AcceptInvitationDocument = new TypedDocumentString(`
    mutation AcceptInvitation($token: String!, $password: String!) {
  acceptInvitation(token: $token, password: $password) {
    csrfToken
    expiresAt
    user {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<AcceptInvitationMutation, AcceptInvitationMutationVariables>;
export const TenantBalancesDocument = new TypedDocumentString(`
    query TenantBalances {
  tenant {
    id
    balances {
      funding
      pool
      granted
      payout
    }
  }
}
    `) as unknown as TypedDocumentString<TenantBalancesQuery, TenantBalancesQueryVariables>;
export const PolicyDocument = new TypedDocumentString(`
    query Policy {
  tenant {
    id
    policy {
      topupDailyLimit
      topupMonthlyLimit
      topupSingleMax
      tenantDailyCap
      purchaseApprovalThreshold
      recycleReviewThreshold
      cashoutReviewThreshold
      velocityMaxTopups
      velocityWindowMinutes
      recycleRate
      recycleFee
      settlementDelayDays
      cashoutEnabled
      cashoutRate
      lowPoolThreshold
    }
  }
}
    `) as unknown as TypedDocumentString<PolicyQuery, PolicyQueryVariables>;
export const UpdatePolicyDocument = new TypedDocumentString(`
    mutation UpdatePolicy($input: PolicyInput!) {
  updatePolicy(input: $input) {
    topupDailyLimit
    topupMonthlyLimit
    topupSingleMax
    tenantDailyCap
    purchaseApprovalThreshold
    recycleReviewThreshold
    cashoutReviewThreshold
    velocityMaxTopups
    velocityWindowMinutes
    recycleRate
    recycleFee
    settlementDelayDays
    cashoutEnabled
    cashoutRate
    lowPoolThreshold
  }
}
    `) as unknown as TypedDocumentString<UpdatePolicyMutation, UpdatePolicyMutationVariables>;
export const UsersDocument = new TypedDocumentString(`
    query Users($first: Int, $after: String, $filter: UserFilter) {
  users(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      cursor
      node {
        id
        email
        name
        roles
        status
        employeeNo
        phone
        department
        costCenter
        createdAt
        lastLoginAt
        wallet {
          accountId
          balance
          available
          nextExpiry
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<UsersQuery, UsersQueryVariables>;
export const UserDetailDocument = new TypedDocumentString(`
    query UserDetail($id: ID!, $first: Int, $after: String) {
  user(id: $id) {
    id
    email
    name
    roles
    status
    employeeNo
    phone
    department
    costCenter
    locale
    createdAt
    lastLoginAt
    wallet {
      accountId
      balance
      available
      held
      nextExpiry
      nextExpiryAmount
      lots(includeEmpty: true) {
        id
        original
        remaining
        held
        expiresAt
        createdAt
        memo
        expired
      }
      entries(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            template
            status
            memo
            amount
            createdAt
            createdBy
            batchId
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<UserDetailQuery, UserDetailQueryVariables>;
export const InviteUserDocument = new TypedDocumentString(`
    mutation InviteUser($input: InviteUserInput!) {
  inviteUser(input: $input) {
    id
    email
    name
    roles
    status
  }
}
    `) as unknown as TypedDocumentString<InviteUserMutation, InviteUserMutationVariables>;
export const UpdateUserDocument = new TypedDocumentString(`
    mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
  updateUser(id: $id, input: $input) {
    id
    name
    phone
    department
    costCenter
    locale
  }
}
    `) as unknown as TypedDocumentString<UpdateUserMutation, UpdateUserMutationVariables>;
export const SetUserRolesDocument = new TypedDocumentString(`
    mutation SetUserRoles($id: ID!, $roles: [Role!]!) {
  setUserRoles(id: $id, roles: $roles) {
    id
    roles
  }
}
    `) as unknown as TypedDocumentString<SetUserRolesMutation, SetUserRolesMutationVariables>;
export const DeactivateUserDocument = new TypedDocumentString(`
    mutation DeactivateUser($id: ID!, $idempotencyKey: String!) {
  deactivateUser(id: $id, idempotencyKey: $idempotencyKey) {
    id
    status
    wallet {
      balance
    }
  }
}
    `) as unknown as TypedDocumentString<DeactivateUserMutation, DeactivateUserMutationVariables>;
export const EntriesDocument = new TypedDocumentString(`
    query Entries($first: Int, $after: String, $filter: EntryFilter) {
  entries(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      cursor
      node {
        id
        template
        status
        memo
        amount
        createdAt
        postedAt
        voidedAt
        createdBy
        batchId
        reversesId
        reversedById
        idempotencyKey
        postings {
          accountId
          accountKind
          accountName
          asset
          amount
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<EntriesQuery, EntriesQueryVariables>;
export const AccountsDocument = new TypedDocumentString(`
    query Accounts($first: Int, $after: String, $kind: AccountKind) {
  accounts(first: $first, after: $after, kind: $kind) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      cursor
      node {
        id
        kind
        asset
        owner
        name
        posted
        pendingOut
        pendingIn
        available
      }
    }
  }
}
    `) as unknown as TypedDocumentString<AccountsQuery, AccountsQueryVariables>;
export const FundDocument = new TypedDocumentString(`
    mutation Fund($input: FundInput!) {
  fund(input: $input) {
    id
    amount
    status
    createdAt
  }
}
    `) as unknown as TypedDocumentString<FundMutation, FundMutationVariables>;
export const GrantDocument = new TypedDocumentString(`
    mutation Grant($input: GrantInput!) {
  grant(input: $input) {
    entry {
      id
      amount
      status
    }
    lot {
      id
      remaining
      expiresAt
    }
  }
}
    `) as unknown as TypedDocumentString<GrantMutation, GrantMutationVariables>;
export const GrantBatchDocument = new TypedDocumentString(`
    mutation GrantBatch($input: BatchGrantInput!) {
  grantBatch(input: $input) {
    batchId
    count
    total
  }
}
    `) as unknown as TypedDocumentString<GrantBatchMutation, GrantBatchMutationVariables>;
export const ReverseEntryDocument = new TypedDocumentString(`
    mutation ReverseEntry($id: ID!, $reason: String!, $idempotencyKey: String!) {
  reverseEntry(id: $id, reason: $reason, idempotencyKey: $idempotencyKey) {
    id
    status
    reversesId
  }
}
    `) as unknown as TypedDocumentString<ReverseEntryMutation, ReverseEntryMutationVariables>;
export const AuditLogDocument = new TypedDocumentString(`
    query AuditLog($first: Int, $after: String, $filter: AuditFilter) {
  auditLog(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      cursor
      node {
        id
        seq
        at
        actor
        action
        target
        outcome
        ip
        details
        hash
      }
    }
  }
}
    `) as unknown as TypedDocumentString<AuditLogQuery, AuditLogQueryVariables>;
export const VerifyDocument = new TypedDocumentString(`
    query Verify {
  verify {
    ok
    checkedAt
    entriesChecked
    accountsChecked
    auditEventsChecked
    violations {
      check
      detail
    }
  }
}
    `) as unknown as TypedDocumentString<VerifyQuery, VerifyQueryVariables>;
export const ApiKeysDocument = new TypedDocumentString(`
    query ApiKeys {
  apiKeys {
    id
    name
    prefix
    roles
    createdAt
    lastUsedAt
    revokedAt
  }
}
    `) as unknown as TypedDocumentString<ApiKeysQuery, ApiKeysQueryVariables>;
export const CreateApiKeyDocument = new TypedDocumentString(`
    mutation CreateApiKey($name: String!, $roles: [Role!]!) {
  createApiKey(name: $name, roles: $roles) {
    secret
    apiKey {
      id
      name
      prefix
      roles
      createdAt
    }
  }
}
    `) as unknown as TypedDocumentString<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const RevokeApiKeyDocument = new TypedDocumentString(`
    mutation RevokeApiKey($id: ID!) {
  revokeApiKey(id: $id) {
    id
    revokedAt
  }
}
    `) as unknown as TypedDocumentString<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>;
export const OperatorOfDocument = new TypedDocumentString(`
    query OperatorOf($phone: String!) {
  operatorOf(phone: $phone) {
    operator
    operatorNameZh
    operatorNameEn
    phone
  }
}
    `) as unknown as TypedDocumentString<OperatorOfQuery, OperatorOfQueryVariables>;
export const MyWalletDocument = new TypedDocumentString(`
    query MyWallet($first: Int, $after: String) {
  myWallet {
    accountId
    balance
    available
    held
    nextExpiry
    nextExpiryAmount
    lots {
      id
      original
      remaining
      held
      expiresAt
      createdAt
      memo
      expired
    }
    entries(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          template
          status
          memo
          amount
          createdAt
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<MyWalletQuery, MyWalletQueryVariables>;
export const PurchaseOrdersDocument = new TypedDocumentString(`
    query PurchaseOrders($first: Int, $status: PurchaseStatus) {
  purchaseOrders(first: $first, status: $status) {
    id
    faceValue
    price
    supplier
    status
    reason
    createdAt
    decidedAt
    requestedBy {
      id
      name
    }
    decidedBy {
      id
      name
    }
    entry {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<PurchaseOrdersQuery, PurchaseOrdersQueryVariables>;
export const RequestPurchaseDocument = new TypedDocumentString(`
    mutation RequestPurchase($faceValue: Money!, $price: Money!, $supplier: String!, $idempotencyKey: String!) {
  requestPurchase(
    faceValue: $faceValue
    price: $price
    supplier: $supplier
    idempotencyKey: $idempotencyKey
  ) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<RequestPurchaseMutation, RequestPurchaseMutationVariables>;
export const ApprovePurchaseDocument = new TypedDocumentString(`
    mutation ApprovePurchase($id: ID!, $idempotencyKey: String!) {
  approvePurchase(id: $id, idempotencyKey: $idempotencyKey) {
    id
    status
    decidedAt
  }
}
    `) as unknown as TypedDocumentString<ApprovePurchaseMutation, ApprovePurchaseMutationVariables>;
export const RejectPurchaseDocument = new TypedDocumentString(`
    mutation RejectPurchase($id: ID!, $reason: String!) {
  rejectPurchase(id: $id, reason: $reason) {
    id
    status
    reason
  }
}
    `) as unknown as TypedDocumentString<RejectPurchaseMutation, RejectPurchaseMutationVariables>;
export const MyTopupsDocument = new TypedDocumentString(`
    query MyTopups($first: Int) {
  myTopups(first: $first) {
    id
    phone
    operator
    amount
    status
    reviewReason
    failureReason
    createdAt
    completedAt
  }
}
    `) as unknown as TypedDocumentString<MyTopupsQuery, MyTopupsQueryVariables>;
export const RequestTopupCodeDocument = new TypedDocumentString(`
    mutation RequestTopupCode($phone: String!) {
  requestTopupCode(phone: $phone)
}
    `) as unknown as TypedDocumentString<RequestTopupCodeMutation, RequestTopupCodeMutationVariables>;
export const TopupDocument = new TypedDocumentString(`
    mutation Topup($phone: String!, $amount: Money!, $code: String, $idempotencyKey: String!) {
  topup(
    phone: $phone
    amount: $amount
    code: $code
    idempotencyKey: $idempotencyKey
  ) {
    id
    phone
    operator
    amount
    status
    reviewReason
    failureReason
    createdAt
  }
}
    `) as unknown as TypedDocumentString<TopupMutation, TopupMutationVariables>;
export const SchedulesDocument = new TypedDocumentString(`
    query Schedules {
  schedules {
    id
    name
    amount
    frequency
    dayOfMonth
    dayOfWeek
    target
    department
    employeeIds
    expiryDays
    expireAtPeriodEnd
    paused
    nextRunAt
    lastError
    runs {
      id
      period
      startedAt
      finishedAt
      count
      total
      status
      error
    }
  }
}
    `) as unknown as TypedDocumentString<SchedulesQuery, SchedulesQueryVariables>;
export const CreateScheduleDocument = new TypedDocumentString(`
    mutation CreateSchedule($input: ScheduleInput!) {
  createSchedule(input: $input) {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<CreateScheduleMutation, CreateScheduleMutationVariables>;
export const SetSchedulePausedDocument = new TypedDocumentString(`
    mutation SetSchedulePaused($id: ID!, $paused: Boolean!) {
  setSchedulePaused(id: $id, paused: $paused) {
    id
    paused
    nextRunAt
  }
}
    `) as unknown as TypedDocumentString<SetSchedulePausedMutation, SetSchedulePausedMutationVariables>;
export const RunExpirySweepDocument = new TypedDocumentString(`
    mutation RunExpirySweep {
  runExpirySweep {
    lots
    total
  }
}
    `) as unknown as TypedDocumentString<RunExpirySweepMutation, RunExpirySweepMutationVariables>;
export const RecyclesDocument = new TypedDocumentString(`
    query Recycles($status: RecycleStatus, $first: Int) {
  recycles(status: $status, first: $first) {
    id
    faceValue
    rate
    gross
    fee
    net
    status
    requestedBy
    reason
    settleAfter
    settledAt
    createdAt
    decidedAt
    decidedBy {
      id
      name
    }
    voucher {
      number
      issuedAt
    }
  }
}
    `) as unknown as TypedDocumentString<RecyclesQuery, RecyclesQueryVariables>;
export const QuoteRecycleDocument = new TypedDocumentString(`
    mutation QuoteRecycle($faceValue: Money!) {
  quoteRecycle(faceValue: $faceValue) {
    id
    faceValue
    rate
    gross
    fee
    net
    settlementDelayDays
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<QuoteRecycleMutation, QuoteRecycleMutationVariables>;
export const ConfirmRecycleDocument = new TypedDocumentString(`
    mutation ConfirmRecycle($quoteId: ID!, $idempotencyKey: String!) {
  confirmRecycle(quoteId: $quoteId, idempotencyKey: $idempotencyKey) {
    id
    status
    net
    settleAfter
  }
}
    `) as unknown as TypedDocumentString<ConfirmRecycleMutation, ConfirmRecycleMutationVariables>;
export const ApproveRecycleDocument = new TypedDocumentString(`
    mutation ApproveRecycle($id: ID!) {
  approveRecycle(id: $id) {
    id
    status
    settleAfter
  }
}
    `) as unknown as TypedDocumentString<ApproveRecycleMutation, ApproveRecycleMutationVariables>;
export const RejectRecycleDocument = new TypedDocumentString(`
    mutation RejectRecycle($id: ID!, $reason: String!) {
  rejectRecycle(id: $id, reason: $reason) {
    id
    status
    reason
  }
}
    `) as unknown as TypedDocumentString<RejectRecycleMutation, RejectRecycleMutationVariables>;
export const CancelRecycleDocument = new TypedDocumentString(`
    mutation CancelRecycle($id: ID!, $reason: String!) {
  cancelRecycle(id: $id, reason: $reason) {
    id
    status
    reason
  }
}
    `) as unknown as TypedDocumentString<CancelRecycleMutation, CancelRecycleMutationVariables>;
export const VoucherDocument = new TypedDocumentString(`
    query Voucher($number: String!) {
  voucher(number: $number) {
    number
    hash
    issuedAt
    content
    verified
    recycleId
  }
}
    `) as unknown as TypedDocumentString<VoucherQuery, VoucherQueryVariables>;
export const ReviewQueueDocument = new TypedDocumentString(`
    query ReviewQueue {
  reviewQueue {
    id
    phone
    operator
    amount
    status
    reviewReason
    createdAt
    user {
      id
      name
      employeeNo
    }
  }
}
    `) as unknown as TypedDocumentString<ReviewQueueQuery, ReviewQueueQueryVariables>;
export const ApproveTopupDocument = new TypedDocumentString(`
    mutation ApproveTopup($id: ID!) {
  approveTopup(id: $id) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<ApproveTopupMutation, ApproveTopupMutationVariables>;
export const RejectTopupDocument = new TypedDocumentString(`
    mutation RejectTopup($id: ID!, $reason: String!) {
  rejectTopup(id: $id, reason: $reason) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<RejectTopupMutation, RejectTopupMutationVariables>;
export const ReconciliationDocument = new TypedDocumentString(`
    query Reconciliation {
  reconciliation {
    topupId
    ledger
    carrier
  }
}
    `) as unknown as TypedDocumentString<ReconciliationQuery, ReconciliationQueryVariables>;
export const DisputesDocument = new TypedDocumentString(`
    query Disputes($status: String) {
  disputes(status: $status) {
    id
    reason
    status
    resolution
    createdAt
    resolvedAt
    topup {
      id
      phone
      operator
      amount
      createdAt
      status
      user {
        id
        name
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DisputesQuery, DisputesQueryVariables>;
export const OpenDisputeDocument = new TypedDocumentString(`
    mutation OpenDispute($topupId: ID!, $reason: String!) {
  openDispute(topupId: $topupId, reason: $reason) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<OpenDisputeMutation, OpenDisputeMutationVariables>;
export const ResolveDisputeDocument = new TypedDocumentString(`
    mutation ResolveDispute($id: ID!, $refund: Boolean!, $resolution: String!, $idempotencyKey: String!) {
  resolveDispute(
    id: $id
    refund: $refund
    resolution: $resolution
    idempotencyKey: $idempotencyKey
  ) {
    id
    status
    resolution
  }
}
    `) as unknown as TypedDocumentString<ResolveDisputeMutation, ResolveDisputeMutationVariables>;
export const CashoutsDocument = new TypedDocumentString(`
    query Cashouts($status: CashoutStatus, $first: Int) {
  cashouts(status: $status, first: $first) {
    id
    credit
    rate
    cash
    status
    reason
    createdAt
    decidedAt
    paidAt
    employee {
      id
      name
      employeeNo
    }
  }
}
    `) as unknown as TypedDocumentString<CashoutsQuery, CashoutsQueryVariables>;
export const MyCashoutsDocument = new TypedDocumentString(`
    query MyCashouts($first: Int) {
  myCashouts(first: $first) {
    id
    credit
    rate
    cash
    status
    reason
    createdAt
    paidAt
  }
}
    `) as unknown as TypedDocumentString<MyCashoutsQuery, MyCashoutsQueryVariables>;
export const CashoutDocument = new TypedDocumentString(`
    mutation Cashout($amount: Money!, $idempotencyKey: String!) {
  cashout(amount: $amount, idempotencyKey: $idempotencyKey) {
    id
    credit
    rate
    cash
    status
  }
}
    `) as unknown as TypedDocumentString<CashoutMutation, CashoutMutationVariables>;
export const ApproveCashoutDocument = new TypedDocumentString(`
    mutation ApproveCashout($id: ID!) {
  approveCashout(id: $id) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<ApproveCashoutMutation, ApproveCashoutMutationVariables>;
export const RejectCashoutDocument = new TypedDocumentString(`
    mutation RejectCashout($id: ID!, $reason: String!) {
  rejectCashout(id: $id, reason: $reason) {
    id
    status
    reason
  }
}
    `) as unknown as TypedDocumentString<RejectCashoutMutation, RejectCashoutMutationVariables>;
export const MarkCashoutPaidDocument = new TypedDocumentString(`
    mutation MarkCashoutPaid($id: ID!, $idempotencyKey: String!) {
  markCashoutPaid(id: $id, idempotencyKey: $idempotencyKey) {
    id
    status
    paidAt
  }
}
    `) as unknown as TypedDocumentString<MarkCashoutPaidMutation, MarkCashoutPaidMutationVariables>;
export const TopupForDocument = new TypedDocumentString(`
    mutation TopupFor($employeeId: ID!, $phone: String, $amount: Money!, $idempotencyKey: String!) {
  topupFor(
    employeeId: $employeeId
    phone: $phone
    amount: $amount
    idempotencyKey: $idempotencyKey
  ) {
    id
    phone
    operator
    amount
    status
    reviewReason
    failureReason
    createdAt
  }
}
    `) as unknown as TypedDocumentString<TopupForMutation, TopupForMutationVariables>;
export const WebhookEndpointsDocument = new TypedDocumentString(`
    query WebhookEndpoints {
  webhookEndpoints {
    id
    url
    events
    description
    active
    createdAt
    updatedAt
  }
  webhookEvents
}
    `) as unknown as TypedDocumentString<WebhookEndpointsQuery, WebhookEndpointsQueryVariables>;
export const WebhookDeliveriesDocument = new TypedDocumentString(`
    query WebhookDeliveries($endpointId: ID, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
  webhookDeliveries(
    endpointId: $endpointId
    status: $status
    first: $first
    after: $after
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      cursor
      node {
        id
        endpointId
        event
        payload
        status
        attempts
        nextAttemptAt
        lastStatusCode
        lastError
        createdAt
        deliveredAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WebhookDeliveriesQuery, WebhookDeliveriesQueryVariables>;
export const CreateWebhookEndpointDocument = new TypedDocumentString(`
    mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    secret
    endpoint {
      id
      url
      events
      description
      active
      createdAt
      updatedAt
    }
  }
}
    `) as unknown as TypedDocumentString<CreateWebhookEndpointMutation, CreateWebhookEndpointMutationVariables>;
export const UpdateWebhookEndpointDocument = new TypedDocumentString(`
    mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(id: $id, input: $input) {
    id
    url
    events
    description
    active
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<UpdateWebhookEndpointMutation, UpdateWebhookEndpointMutationVariables>;
export const DeleteWebhookEndpointDocument = new TypedDocumentString(`
    mutation DeleteWebhookEndpoint($id: ID!) {
  deleteWebhookEndpoint(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteWebhookEndpointMutation, DeleteWebhookEndpointMutationVariables>;
export const ReplayWebhookDeliveryDocument = new TypedDocumentString(`
    mutation ReplayWebhookDelivery($id: ID!) {
  replayWebhookDelivery(id: $id) {
    id
    status
    attempts
    lastStatusCode
    lastError
    deliveredAt
  }
}
    `) as unknown as TypedDocumentString<ReplayWebhookDeliveryMutation, ReplayWebhookDeliveryMutationVariables>;
export const SendTestWebhookDocument = new TypedDocumentString(`
    mutation SendTestWebhook($endpointId: ID!) {
  sendTestWebhook(endpointId: $endpointId) {
    id
    event
    status
    attempts
    createdAt
  }
}
    `) as unknown as TypedDocumentString<SendTestWebhookMutation, SendTestWebhookMutationVariables>;
export const MyNotificationSettingsDocument = new TypedDocumentString(`
    query MyNotificationSettings {
  myNotificationSettings {
    kind
    description
    enabled
    mandatory
  }
}
    `) as unknown as TypedDocumentString<MyNotificationSettingsQuery, MyNotificationSettingsQueryVariables>;
export const UpdateMyNotificationSettingsDocument = new TypedDocumentString(`
    mutation UpdateMyNotificationSettings($settings: [NotificationSettingInput!]!) {
  updateMyNotificationSettings(settings: $settings) {
    kind
    description
    enabled
    mandatory
  }
}
    `) as unknown as TypedDocumentString<UpdateMyNotificationSettingsMutation, UpdateMyNotificationSettingsMutationVariables>;