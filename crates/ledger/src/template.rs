//! Named posting templates with typed parameters. A template is the only way to describe an
//! entry: it turns business parameters into balanced legs, the entry's initial status and the
//! effect on wallet lots.

use crate::account::{AccountRef, Counterparty};
use chrono::{DateTime, Utc};
use creditloop_domain::{Asset, Fen, LotId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateCode {
    Fund,
    Purchase,
    Grant,
    TopupHold,
    Expire,
    Reclaim,
    RecycleHold,
    Cashout,
    Payout,
    Reversal,
}

impl TemplateCode {
    pub const ALL: [TemplateCode; 10] = [
        TemplateCode::Fund,
        TemplateCode::Purchase,
        TemplateCode::Grant,
        TemplateCode::TopupHold,
        TemplateCode::Expire,
        TemplateCode::Reclaim,
        TemplateCode::RecycleHold,
        TemplateCode::Cashout,
        TemplateCode::Payout,
        TemplateCode::Reversal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TemplateCode::Fund => "FUND",
            TemplateCode::Purchase => "PURCHASE",
            TemplateCode::Grant => "GRANT",
            TemplateCode::TopupHold => "TOPUP_HOLD",
            TemplateCode::Expire => "EXPIRE",
            TemplateCode::Reclaim => "RECLAIM",
            TemplateCode::RecycleHold => "RECYCLE_HOLD",
            TemplateCode::Cashout => "CASHOUT",
            TemplateCode::Payout => "PAYOUT",
            TemplateCode::Reversal => "REVERSAL",
        }
    }

    pub fn parse(s: &str) -> Option<TemplateCode> {
        TemplateCode::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub enum Template {
    /// A bank deposit: `EXTERNAL:bank -> FUNDING` (CASH).
    Fund { amount: Fen },
    /// Buying credit: `FUNDING -> EXTERNAL:supplier` the price in CASH and
    /// `EXTERNAL:supplier -> POOL` the face value in CREDIT, in one entry.
    Purchase { price: Fen, face: Fen },
    /// Distribution: `POOL -> WALLET`, creating a lot that expires.
    Grant { employee: UserId, amount: Fen, expires_at: DateTime<Utc> },
    /// A top-up in flight: holds `WALLET -> EXTERNAL:carrier`, earliest-expiring lots first.
    /// Posted when the carrier delivers, voided when it definitely fails.
    TopupHold { employee: UserId, amount: Fen },
    /// The unspent rest of one expired lot returns: `WALLET -> POOL`.
    Expire { employee: UserId, lot: LotId, amount: Fen },
    /// Offboarding: all free credit of a wallet returns: `WALLET -> POOL`.
    Reclaim { employee: UserId, amount: Fen },
    /// Selling pool credit to a recycler: holds `POOL -> EXTERNAL:recycler` the face value
    /// (CREDIT), and `EXTERNAL:recycler -> FUNDING` the net plus `EXTERNAL:recycler -> FEES`
    /// the fee (CASH). Posted at settlement.
    RecycleHold { face: Fen, net: Fen, fee: Fen },
    /// An employee converts credit to money: holds `WALLET -> EXTERNAL:recycler` (CREDIT) and
    /// `EXTERNAL:recycler -> PAYOUT` (CASH). Posted when approved.
    Cashout { employee: UserId, credit: Fen, cash: Fen },
    /// Money owed to an employee is paid through payroll: `PAYOUT -> EXTERNAL:payroll` (CASH).
    Payout { employee: UserId, cash: Fen },
}

/// What an entry does to wallet lots.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LotEffect {
    None,
    /// Creates a lot for the credited wallet.
    Create { employee: UserId, expires_at: DateTime<Utc> },
    /// Holds the debited amount from unexpired lots, earliest expiry first.
    Hold { employee: UserId },
    /// Consumes the free rest of one lot.
    ConsumeLot { lot: LotId },
    /// Consumes the free rest of every lot of the wallet, expired or not.
    ConsumeAll { employee: UserId },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Initial {
    Posted,
    Pending,
}

pub(crate) struct Plan {
    pub code: TemplateCode,
    pub initial: Initial,
    pub legs: Vec<(AccountRef, i64)>,
    pub lots: LotEffect,
}

impl Template {
    pub fn code(&self) -> TemplateCode {
        match self {
            Template::Fund { .. } => TemplateCode::Fund,
            Template::Purchase { .. } => TemplateCode::Purchase,
            Template::Grant { .. } => TemplateCode::Grant,
            Template::TopupHold { .. } => TemplateCode::TopupHold,
            Template::Expire { .. } => TemplateCode::Expire,
            Template::Reclaim { .. } => TemplateCode::Reclaim,
            Template::RecycleHold { .. } => TemplateCode::RecycleHold,
            Template::Cashout { .. } => TemplateCode::Cashout,
            Template::Payout { .. } => TemplateCode::Payout,
        }
    }

    pub(crate) fn plan(&self) -> Plan {
        use AccountRef as A;
        use Counterparty as P;
        let transfer = |from: AccountRef, to: AccountRef, amount: Fen| [(from, -amount.get()), (to, amount.get())];
        let (initial, legs, lots): (Initial, Vec<(AccountRef, i64)>, LotEffect) = match *self {
            Template::Fund { amount } => {
                (Initial::Posted, transfer(A::External(P::Bank, Asset::Cash), A::Funding, amount).into(), LotEffect::None)
            }
            Template::Purchase { price, face } => {
                let mut legs: Vec<_> = transfer(A::Funding, A::External(P::Supplier, Asset::Cash), price).into();
                legs.extend(transfer(A::External(P::Supplier, Asset::Credit), A::Pool, face));
                (Initial::Posted, legs, LotEffect::None)
            }
            Template::Grant { employee, amount, expires_at } => (
                Initial::Posted,
                transfer(A::Pool, A::Wallet(employee), amount).into(),
                LotEffect::Create { employee, expires_at },
            ),
            Template::TopupHold { employee, amount } => (
                Initial::Pending,
                transfer(A::Wallet(employee), A::External(P::Carrier, Asset::Credit), amount).into(),
                LotEffect::Hold { employee },
            ),
            Template::Expire { employee, lot, amount } => {
                (Initial::Posted, transfer(A::Wallet(employee), A::Pool, amount).into(), LotEffect::ConsumeLot { lot })
            }
            Template::Reclaim { employee, amount } => {
                (Initial::Posted, transfer(A::Wallet(employee), A::Pool, amount).into(), LotEffect::ConsumeAll { employee })
            }
            Template::RecycleHold { face, net, fee } => {
                let mut legs: Vec<_> = transfer(A::Pool, A::External(P::Recycler, Asset::Credit), face).into();
                legs.extend(transfer(A::External(P::Recycler, Asset::Cash), A::Funding, net));
                if fee.is_positive() {
                    legs.extend(transfer(A::External(P::Recycler, Asset::Cash), A::Fees, fee));
                }
                (Initial::Pending, legs, LotEffect::None)
            }
            Template::Cashout { employee, credit, cash } => {
                let mut legs: Vec<_> =
                    transfer(A::Wallet(employee), A::External(P::Recycler, Asset::Credit), credit).into();
                if cash.is_positive() {
                    legs.extend(transfer(A::External(P::Recycler, Asset::Cash), A::Payout(employee), cash));
                }
                (Initial::Pending, legs, LotEffect::Hold { employee })
            }
            Template::Payout { employee, cash } => (
                Initial::Posted,
                transfer(A::Payout(employee), A::External(P::Payroll, Asset::Cash), cash).into(),
                LotEffect::None,
            ),
        };
        Plan { code: self.code(), initial, legs, lots }
    }
}
