//! Recycling pool credit to cash, employee cash-outs and payouts.
